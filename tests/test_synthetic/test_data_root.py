"""make_synthetic_data: the data a config's training loader reads."""
import pytest

from conftest import TINY, TINY_BRAIN, load_config
from linknet_mm.errors import ConfigError
from linknet_mm.synthetic import make_synthetic_data


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
