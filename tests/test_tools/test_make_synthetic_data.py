"""tools/misc/make_synthetic_data.py: both subcommands, and the data a
config's training loader reads (make_synthetic_data)."""
import os

import pytest

from conftest import TINY, TINY_BRAIN, load_config, run_tool, tool_module
from linknet_mm.errors import ConfigError

make_synthetic_data = tool_module(
    'misc/make_synthetic_data.py').make_synthetic_data


def test_make_synthetic_data_cityscapes_pairs(tmp_path):
    run_tool('misc/make_synthetic_data.py', 'cityscapes_pairs', tmp_path,
             '--num-train', 2, '--num-val', 1, '--seed', 3)
    assert sorted(os.listdir(tmp_path / 'train')) == ['1.jpg', '2.jpg']
    assert os.listdir(tmp_path / 'val') == ['1.jpg']


def test_make_synthetic_data_brain_tumor(tmp_path):
    run_tool('misc/make_synthetic_data.py', 'brain_tumor', tmp_path,
             '--num', 2, '--size', 64)
    assert sorted(os.listdir(tmp_path / 'images')) == ['1.png', '2.png']
    assert sorted(os.listdir(tmp_path / 'masks')) == ['1.png', '2.png']


def test_make_synthetic_data_cityscapes_needs_a_subcommand():
    proc = run_tool('misc/make_synthetic_data.py', check=False)
    assert proc.returncode == 2  # argparse's usage error
    assert 'cityscapes_pairs' in proc.stderr


def test_cityscapes_pairs_of_the_asked_counts(tmp_path):
    make_synthetic_data(load_config(TINY), str(tmp_path), 3, 2)
    assert len(list((tmp_path / 'train').glob('*.jpg'))) == 3
    assert len(list((tmp_path / 'val').glob('*.jpg'))) == 2


def test_brain_tumor_gives_each_split_enough(tmp_path):
    make_synthetic_data(load_config(TINY_BRAIN), str(tmp_path), 6, 2)
    # 6 train at a 0.6 share and 2 test at 0.2: max(10, 10) + 1 pairs
    assert len(list((tmp_path / 'images').glob('*.png'))) == 11
    assert len(list((tmp_path / 'masks').glob('*.png'))) == 11


def test_an_unknown_dataset_is_named(tmp_path):
    cfg = load_config(TINY)
    cfg.train_dataloader.dataset.type = 'ADE20KDataset'
    with pytest.raises(ConfigError, match="type='ADE20KDataset'.*--data-root"):
        make_synthetic_data(cfg, str(tmp_path), 1)
