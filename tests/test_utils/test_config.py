"""load_config: shipped configs, checked --cfg-options, data_root
propagation, the work dir of a run."""
import pytest

from conftest import CONFIGS
from linknet_mm.utils import ConfigError, check_work_dir, load_config

CITYSCAPES = str(CONFIGS / 'linknet_cityscapes.py')


def test_data_root_moves_every_dataloader():
    cfg = load_config(CITYSCAPES, {'data_root': '/elsewhere'})
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[loader].dataset.data_root == '/elsewhere'


def test_existing_and_new_leaf_keys_are_merged(tmp_path):
    cfg = load_config(
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
        load_config(CITYSCAPES, {key: 1})


@pytest.mark.parametrize('key, meant', [
    ('train_cfg.max_iter', 'train_cfg.max_iters'),
    ('default_hooks.checkpoint.intervl', 'default_hooks.checkpoint.interval'),
    ('model.backbone.dept', 'model.backbone.depth'),
])
def test_typo_in_the_last_part_is_refused(key, meant):
    with pytest.raises(ConfigError, match=f"did you mean '{meant}'"):
        load_config(CITYSCAPES, {key: 1})


def test_a_new_key_not_close_to_a_sibling_is_allowed():
    cfg = load_config(CITYSCAPES, {'model.backbone.frozen_stages': 1,
                                   'model.decode_head.threshold': 0.4})
    assert cfg.model.decode_head.threshold == 0.4


def test_a_config_object_is_copied_not_changed():
    cfg = load_config(CITYSCAPES)
    copied = load_config(cfg, {'model.backbone.depth': 34})
    assert (cfg.model.backbone.depth, copied.model.backbone.depth) == (18, 34)


def test_a_run_works_in_work_dirs_by_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = load_config(CITYSCAPES, launcher='pytorch')
    assert cfg.launcher == 'pytorch'
    assert cfg.work_dir == './work_dirs/linknet_cityscapes'
    assert (tmp_path / 'work_dirs' / 'linknet_cityscapes').is_dir()
    assert 'work_dir' not in load_config(CITYSCAPES)  # no run: none set


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match='not found'):
        load_config(str(tmp_path / 'missing.py'))


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
        load_config(
            CITYSCAPES,
            work_dir=str(tmp_path / 'file' / 'out'),
            work_dir_option='--out-dir')
