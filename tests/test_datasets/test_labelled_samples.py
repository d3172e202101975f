"""Labelled samples of a dataset folder through the config's test pipeline
(the data of INT8 calibration and of the parity check)."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import TINY_BRAIN, load_config
from linknet_mm.datasets.brain_tumor import split_names
from linknet_mm.datasets.labelled_samples import (dataset_at, labelled_samples,
                                                  spread_indices)
from linknet_mm.errors import ConfigError, DatasetNotFoundError


@pytest.fixture(scope='module')
def cfg(brain_root):
    return load_config(TINY_BRAIN, data_root=str(brain_root))


def test_spread_indices():
    assert spread_indices(10, None).tolist() == list(range(10))
    assert spread_indices(10, 20).tolist() == list(range(10))
    assert spread_indices(10, 4).tolist() == [0, 3, 6, 9]
    assert spread_indices(5, 1).tolist() == [0]
    with pytest.raises(ValueError, match='must be >= 1, got 0'):
        spread_indices(5, 0)


def test_both_splits_take_the_test_pipeline(cfg, brain_root):
    stems = sorted(p.stem for p in (brain_root / 'images').iterdir())
    for split, expected in (('train', split_names(stems, 'train')),
                            ('test', split_names(stems, 'test'))):
        dataset = dataset_at(cfg, str(brain_root), split)
        assert sorted(
            Path(dataset.get_data_info(i)['img_path']).stem
            for i in range(len(dataset))) == expected
        assert dataset.pipeline.transforms[-1].__class__.__name__ == \
            'PackSegInputs'
        assert not any('Random' in type(t).__name__
                       for t in dataset.pipeline.transforms)


def test_samples_are_whole_images_with_their_labels(cfg, brain_root):
    samples = list(labelled_samples(cfg, str(brain_root), 'train', num=3))
    assert len(samples) == 3  # of the 12 training slices, spread
    for sample in samples:
        assert tuple(sample['inputs'].shape) == (3, 128, 128)  # not cropped
        label = sample['data_samples'].gt_sem_seg.data
        assert tuple(label.shape) == (1, 128, 128)
        assert set(np.unique(label.numpy())) <= {0, 1}
    paths = [s['data_samples'].img_path for s in samples]
    assert len(set(paths)) == 3


def test_an_empty_folder_is_named(cfg, tmp_path):
    (tmp_path / 'images').mkdir()
    (tmp_path / 'masks').mkdir()
    with pytest.raises(
            DatasetNotFoundError, match=f'{tmp_path}/images has no'):
        next(labelled_samples(cfg, str(tmp_path), 'test'))


def test_a_script_without_mmengine_scope_reads_them(brain_root):
    """Our transforms are found through the config's scope (the tests'
    autouse fixture sets mmseg's scope, so this runs in a fresh process)."""
    script = (
        'import sys; from mmengine.config import Config\n'
        'from linknet_mm.datasets.labelled_samples import labelled_samples\n'
        'cfg = Config.fromfile(sys.argv[1])\n'
        'sample = next(labelled_samples(cfg, sys.argv[2], "test", 1))\n'
        'print(tuple(sample["inputs"].shape))\n')
    proc = subprocess.run(
        [sys.executable, '-c', script,
         str(TINY_BRAIN),
         str(brain_root)],
        capture_output=True,
        text=True,
        timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == '(3, 128, 128)'


def test_configs_it_cannot_read_are_errors(cfg, brain_root):
    with pytest.raises(ValueError, match="split must be one of"):
        dataset_at(cfg, str(brain_root), 'val')
    no_test = cfg.copy()
    no_test.test_dataloader = None
    with pytest.raises(
            ConfigError, match='needs train_dataloader and '
            'test_dataloader'):
        dataset_at(no_test, str(brain_root), 'train')
    wrapped = cfg.copy()
    wrapped.train_dataloader = dict(
        dataset=dict(
            type='RepeatDataset',
            times=2,
            dataset=cfg.train_dataloader.dataset))
    with pytest.raises(ConfigError, match='RepeatDataset without a pipeline'):
        dataset_at(wrapped, str(brain_root), 'train')
