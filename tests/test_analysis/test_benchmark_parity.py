"""Where the benchmark's parity data comes from."""
import pytest

from conftest import TINY, load_config
from linknet_mm.analysis.benchmark_parity import data_for_checks
from linknet_mm.errors import ConfigError


def test_given_folder_is_used_as_it_is(tmp_path):
    cfg = load_config(TINY)
    assert data_for_checks(cfg, 'data/x', str(tmp_path), 2, 3) == 'data/x'
    assert list(tmp_path.iterdir()) == []


def test_generated_scenes_of_the_config_format(tmp_path):
    root = data_for_checks(load_config(TINY), None, str(tmp_path), 2, 3)
    assert len(list((tmp_path / 'check_data' / 'train').iterdir())) == 2
    assert len(list((tmp_path / 'check_data' / 'val').iterdir())) == 3
    assert root == str(tmp_path / 'check_data')


def test_a_dataset_without_a_generator_asks_for_check_dir(tmp_path):
    cfg = load_config(TINY)
    cfg.train_dataloader.dataset.type = 'ADE20KDataset'
    with pytest.raises(ConfigError, match='--check-dir.*--no-low-precision'):
        data_for_checks(cfg, None, str(tmp_path), 2, 3)
