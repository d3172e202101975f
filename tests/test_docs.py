"""The README and the guides under docs/en: short, and every link lands."""
import re
from pathlib import Path
from typing import List, Set

import pytest

from conftest import CONFIGS, REPO

README = REPO / 'README.md'
DOCS = sorted((REPO / 'docs' / 'en').glob('*.md'))
#: Every Markdown file whose links are checked.
PAGES = [README, CONFIGS / 'linknet' / 'README.md'] + DOCS
LINK = re.compile(r'!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)')
FENCE = re.compile(r'^\s*(```|~~~)')


def prose_lines(text: str) -> List[str]:
    """The lines outside fenced code blocks, inline code removed."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(re.sub(r'`[^`]*`', '', line))
    return lines


def anchors(path: Path) -> Set[str]:
    """The heading anchors GitHub makes for a Markdown file."""
    seen, slugs = {}, set()
    fenced = False
    for line in path.read_text(encoding='utf-8').splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        heading = re.match(r'#{1,6}\s+(.*?)\s*#*\s*$', line)
        if fenced or not heading:
            continue
        slug = re.sub(r'[^\w\- ]', '', heading.group(1).lower())
        slug = slug.replace(' ', '-')
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        slugs.add(slug if count == 0 else f'{slug}-{count}')
    return slugs


def test_anchors_follow_github():
    page = REPO / 'docs' / 'en' / 'train_test.md'
    assert {
        'mixed-precision---amp',
        'imagenet-weights-offline-mobilenetv2-from-tflite'
    } <= anchors(page)


def test_readme_is_short():
    lines = README.read_text(encoding='utf-8').splitlines()
    assert len(lines) <= 250, len(lines)


def test_the_guides_exist():
    names = {p.name for p in DOCS}
    assert {
        'README.md', 'get_started.md', 'datasets.md', 'train_test.md',
        'inference.md', 'benchmarks.md', 'linknet_head.md', 'torch_fixes.md',
        'add_dataset.md'
    } <= names
    index = (REPO / 'docs' / 'en' / 'README.md').read_text(encoding='utf-8')
    for page in names - {'README.md'}:
        assert f']({page})' in index, page


def test_readme_starts_with_the_two_commands():
    lines = README.read_text(encoding='utf-8').splitlines()
    top = '\n'.join(lines[:30])
    assert 'bash tools/quickstart.sh' in top
    assert 'bash tools/run_tests.sh' in top


@pytest.mark.parametrize('page', PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_relative_links_point_at_files(page):
    text = page.read_text(encoding='utf-8')
    broken = []
    for line in prose_lines(text):
        for target in LINK.findall(line):
            if re.match(r'[a-z][a-z0-9+.-]*:', target):  # https:, mailto:
                continue
            path, _, anchor = target.partition('#')
            dest = (page.parent / path).resolve() if path else page
            if not dest.exists() or REPO not in dest.parents:
                broken.append(target)
            elif anchor and dest.suffix == '.md' and \
                    anchor not in anchors(dest):
                broken.append(target)
    assert not broken, broken
