"""An installed linknet_mm ships its configs and finds them by name."""
import shutil
import subprocess
import sys
import zipfile

import pytest

from conftest import CONFIGS, REPO
from linknet_mm.errors import ConfigError
from linknet_mm.utils.config import PACKAGED_CONFIGS, find_config, read_config


def test_configs_are_found_by_name_in_the_package():
    # the editable install links linknet_mm/.mim/configs to configs/
    if not PACKAGED_CONFIGS.is_dir():
        pytest.skip('linknet_mm is not installed with pip here')
    for name in ('linknet_cityscapes.py', 'configs/linknet_brain_tumor.py',
                 'linknet/linknet_r18_1xb8-3k_brain-tumor-256x256.py'):
        found = find_config(name)
        assert found.is_file() and found.read_text() == (
            CONFIGS / name.replace('configs/', '')).read_text()
    assert read_config('linknet_cityscapes.py').model.type == \
        'EncoderDecoder'
    with pytest.raises(ConfigError, match='nope.py.*not found'):
        find_config('nope.py')


@pytest.mark.slow  # builds a wheel
def test_wheel_ships_the_configs(tmp_path):
    source = tmp_path / 'src'
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns('.venv', '.git', 'data', 'work_dirs',
                                      'build', '*.egg-info', '.mim',
                                      '__pycache__', '.pytest_cache'))
    subprocess.run([
        sys.executable, '-m', 'pip', 'wheel', '--no-deps',
        '--no-build-isolation', '-q', '-w', str(tmp_path / 'wheel'),
        str(source)
    ], check=True, capture_output=True)
    wheel, = (tmp_path / 'wheel').glob('linknet_mm-*.whl')
    names = set(zipfile.ZipFile(wheel).namelist())
    for config in CONFIGS.rglob('*.py'):
        relative = config.relative_to(CONFIGS).as_posix()
        assert f'linknet_mm/.mim/configs/{relative}' in names, relative
    assert 'linknet_mm/.mim/configs/linknet/metafile.yaml' in names
