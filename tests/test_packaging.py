"""An installed linknet_mm ships its configs and finds them by name, and
its start-up file (both from ``pip install .`` and ``pip install -e .``)."""
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Set

import pytest

from conftest import CONFIGS, REPO, STARTUP_FILE, STARTUP_LINE
from linknet_mm.errors import ConfigError
from linknet_mm.utils.config import PACKAGED_CONFIGS, load_config


def test_configs_are_found_by_name_in_the_package():
    # the editable install links linknet_mm/.mim/configs to configs/
    if not PACKAGED_CONFIGS.is_dir():
        pytest.skip('linknet_mm is not installed with pip here')
    for name in ('linknet_cityscapes.py', 'configs/linknet_brain_tumor.py',
                 'linknet/linknet_r18_1xb8-3k_brain-tumor-256x256.py'):
        found = Path(load_config(name).filename)
        assert found.is_file() and found.read_text() == (
            CONFIGS / name.replace('configs/', '')).read_text()
    assert load_config('linknet_cityscapes.py').model.type == \
        'EncoderDecoder'
    with pytest.raises(ConfigError, match='nope.py.*not found'):
        load_config('nope.py')


def _source_copy(tmp_path: Path) -> Path:
    """A copy of the repository without its builds and environment."""
    source = tmp_path / 'src'
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns('.venv', '.git', 'data', 'work_dirs',
                                      'build', '*.egg-info', '.mim',
                                      '__pycache__', '.pytest_cache'))
    return source


def _build(command: list, cwd: Path) -> None:
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    assert proc.returncode == 0, f'{command} failed:\n{proc.stderr[-3000:]}'


def _record(wheel: zipfile.ZipFile) -> Set[str]:
    """The paths the wheel's RECORD lists (what pip uninstall removes)."""
    record, = (n for n in wheel.namelist() if n.endswith('.dist-info/RECORD'))
    return {row.split(',')[0] for row in wheel.read(record).decode().split()}


@pytest.fixture(scope='module')
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    """The wheel ``pip install .`` installs."""
    tmp_path = tmp_path_factory.mktemp('wheel')
    _build([
        sys.executable, '-m', 'pip', 'wheel', '--no-deps',
        '--no-build-isolation', '-q', '-w', str(tmp_path / 'wheel'),
        str(_source_copy(tmp_path))
    ], tmp_path)
    path, = (tmp_path / 'wheel').glob('linknet_mm-*.whl')
    return zipfile.ZipFile(path)


@pytest.mark.slow  # builds a wheel
def test_wheel_ships_the_configs(wheel):
    names = set(wheel.namelist())
    for config in CONFIGS.rglob('*.py'):
        relative = config.relative_to(CONFIGS).as_posix()
        assert f'linknet_mm/.mim/configs/{relative}' in names, relative
    assert 'linknet_mm/.mim/configs/linknet/metafile.yaml' in names


@pytest.mark.slow  # builds a wheel
def test_wheel_ships_the_startup_file(wheel):
    assert wheel.read(STARTUP_FILE).decode() == STARTUP_LINE
    assert {STARTUP_FILE, 'linknet_mm_mmcv_hook.py',
            'linknet_mm_mmcv_stand_in.py'} <= _record(wheel)


@pytest.mark.slow  # builds an editable wheel
def test_editable_wheel_ships_the_startup_file(tmp_path):
    # what pip install -e . builds (PEP 660)
    _build([
        sys.executable, '-c', 'import sys; from setuptools import '
        'build_meta; build_meta.build_editable(sys.argv[1])',
        str(tmp_path / 'wheel')
    ], _source_copy(tmp_path))
    path, = (tmp_path / 'wheel').glob('linknet_mm-*.whl')
    wheel = zipfile.ZipFile(path)
    assert wheel.read(STARTUP_FILE).decode() == STARTUP_LINE
    assert STARTUP_FILE in _record(wheel)
    editable, = (n for n in wheel.namelist()
                 if n.startswith('__editable__') and n.endswith('.pth'))
    # site reads .pth files in sorted order: setuptools' finder, which
    # maps our module to the source, is installed first
    assert editable < STARTUP_FILE
    finder, = (n for n in wheel.namelist() if n.endswith('_finder.py'))
    mapping = wheel.read(finder).decode()
    for module in ('linknet_mm_mmcv_hook', 'linknet_mm_mmcv_stand_in'):
        assert f"'{module}': '{tmp_path / 'src' / module}'" in mapping
