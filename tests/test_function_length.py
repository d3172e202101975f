"""No function of the package, the tools or the tests is over 60 lines
(docstring included), read from the source with ast."""
import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: Longest function allowed, in lines from ``def`` to its last line.
MAX_LINES = 60
FOLDERS = ('linknet_mm', 'tools', 'tests')


def long_functions(path: Path, limit: int = MAX_LINES):
    """(line, name, length) of each function of a file over ``limit``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            if length > limit:
                found.append((node.lineno, node.name, length))
    return found


def test_the_check_finds_a_long_function(tmp_path):
    body = '\n'.join(f'    x{i} = {i}' for i in range(MAX_LINES))
    path = tmp_path / 'long.py'
    path.write_text(f'def short():\n    pass\n\n\ndef long():\n{body}\n')
    assert long_functions(path) == [(5, 'long', MAX_LINES + 1)]


@pytest.mark.parametrize('folder', FOLDERS)
def test_no_long_function(folder):
    found = [
        f'{path.relative_to(REPO)}:{line} {name} ({length} lines)'
        for path in sorted((REPO / folder).rglob('*.py'))
        for line, name, length in long_functions(path)
    ]
    assert not found, f'functions over {MAX_LINES} lines: {found}'
