"""load_tool_config: checked --cfg-options and data_root propagation."""
import pytest

from conftest import CONFIGS
from linknet_mm.utils import ConfigError, check_work_dir, load_tool_config
from linknet_mm.utils.config import edit_distance

CITYSCAPES = str(CONFIGS / 'linknet_cityscapes.py')


def test_data_root_moves_every_dataloader(tmp_path):
    # a work dir of its own: the default, ./work_dirs/..., is created
    cfg = load_tool_config(CITYSCAPES, {'data_root': '/elsewhere'},
                           str(tmp_path))
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[loader].dataset.data_root == '/elsewhere'


def test_existing_and_new_leaf_keys_are_merged(tmp_path):
    cfg = load_tool_config(
        CITYSCAPES, {
            'model.backbone.depth': 34,
            'model.backbone.frozen_stages': 1,
            'train_dataloader.dataset.pipeline.2.ratio_range': (1.0, 1.0),
            'work_dir': str(tmp_path / 'somewhere')
        })
    assert cfg.model.backbone.depth == 34
    assert cfg.model.backbone.frozen_stages == 1
    assert cfg.train_dataloader.dataset.pipeline[2].ratio_range == (1.0, 1.0)


@pytest.mark.parametrize('key, message', [
    ('modle.backbone.depth', "has no key 'modle'; did you mean 'model'"),
    ('model.bakbone.depth', "model has no key 'bakbone'; did you mean "
     "'model.backbone'"),
    ('train_dataloader.dataset.pipeline.99.scale', 'no index 99'),
    ('max_iters', "the top level of the config has no key 'max_iters'"),
])
def test_unknown_key_paths_are_errors(key, message):
    with pytest.raises(ConfigError, match=message):
        load_tool_config(CITYSCAPES, {key: 1})


@pytest.mark.parametrize('key, meant', [
    ('train_cfg.max_iter', 'train_cfg.max_iters'),
    ('default_hooks.checkpoint.intervl', 'default_hooks.checkpoint.interval'),
    ('model.backbone.dept', 'model.backbone.depth'),
])
def test_typo_in_the_last_part_is_refused(key, meant):
    with pytest.raises(ConfigError, match=f"did you mean '{meant}'"):
        load_tool_config(CITYSCAPES, {key: 1})


def test_edit_distance():
    assert edit_distance('intervl', 'interval') == 1
    assert edit_distance('max_iter', 'max_iters') == 1
    assert edit_distance('kitten', 'sitting') == 3
    assert edit_distance('', 'abc') == 3


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match='not found'):
        load_tool_config(str(tmp_path / 'missing.py'))


def test_check_work_dir(tmp_path):
    check_work_dir(str(tmp_path / 'new' / 'dir'))
    assert (tmp_path / 'new' / 'dir').is_dir()
    assert list((tmp_path / 'new' / 'dir').iterdir()) == []
    (tmp_path / 'file').write_text('')
    with pytest.raises(ConfigError, match='not writable'):
        check_work_dir(str(tmp_path / 'file' / 'run'))


def test_unwritable_output_names_the_tools_option(tmp_path):
    (tmp_path / 'file').write_text('')
    with pytest.raises(ConfigError, match='choose another with --out-dir'):
        load_tool_config(
            CITYSCAPES,
            work_dir=str(tmp_path / 'file' / 'out'),
            work_dir_option='--out-dir')
