"""Samples of a dataset folder through the config's test pipeline."""
import copy
from typing import Iterator, Optional

import numpy as np
from mmengine.config import Config
from mmseg.registry import DATASETS

from ..errors import ConfigError

#: Dataloaders whose dataset a split may be taken from.
LOADERS = {'train': 'train_dataloader', 'test': 'test_dataloader'}


def dataset_at(cfg: Config, data_root: str, split: str = 'test'):
    """The config's dataset of a split, read from another folder.

    Its pipeline is the test pipeline whatever the split: calibration and
    parity checks see the images as inference does (no augmentation).

    Args:
        cfg (Config): The model's config.
        data_root (str): Folder in the dataset's layout (e.g. ``images/``
            and ``masks/`` of the brain-tumour set).
        split (str): 'train' (calibration) or 'test' (parity check).
            Defaults to 'test'.

    Returns:
        BaseSegDataset: The dataset, its files listed.
    """
    if split not in LOADERS:
        raise ValueError(f'split must be one of {sorted(LOADERS)}, got '
                         f'{split!r}')
    loader = cfg.get(LOADERS[split])
    test_loader = cfg.get('test_dataloader')
    if not loader or not test_loader:
        raise ConfigError(f'{cfg.filename}: needs {LOADERS[split]} and '
                          'test_dataloader to read labelled images')
    dataset = copy.deepcopy(loader.dataset)
    if 'pipeline' not in dataset:
        raise ConfigError(
            f'{cfg.filename}: {LOADERS[split]}.dataset is a '
            f'{dataset.get("type")} without a pipeline of its own; '
            'calibration and checks need a plain dataset there')
    dataset.data_root = data_root
    dataset.pipeline = copy.deepcopy(test_loader.dataset.pipeline)
    dataset.pop('indices', None)
    # the pipeline's transforms are looked up in the config's scope, also
    # from a script that never set mmengine's default scope
    dataset.setdefault('_scope_', cfg.get('default_scope', 'mmseg'))
    return DATASETS.build(dataset)


def spread_indices(total: int, num: Optional[int]) -> np.ndarray:
    """``num`` indices spread evenly over ``range(total)``, all if None.

    Args:
        total (int): Length of the dataset.
        num (int, optional): How many to take.

    Returns:
        np.ndarray: Sorted, distinct indices.
    """
    if num is None or num >= total:
        return np.arange(total)
    if num < 1:
        raise ValueError(f'the number of images must be >= 1, got {num}')
    return np.unique(np.linspace(0, total - 1, num).round().astype(int))


def labelled_samples(cfg: Config,
                     data_root: str,
                     split: str = 'test',
                     num: Optional[int] = None) -> Iterator[dict]:
    """Packed samples (``inputs``, ``data_samples``) of a dataset folder.

    Args:
        cfg (Config): The model's config.
        data_root (str): Folder in the dataset's layout.
        split (str): 'train' or 'test'. Defaults to 'test'.
        num (int, optional): Samples spread over the split; all when None.
            Defaults to None.

    Returns:
        Iterator[dict]: One sample per image as ``PackSegInputs`` gives
        it: ``inputs`` (C, H, W) uint8 and ``data_samples`` with
        ``gt_sem_seg`` at the image's original size. The split is listed
        when this is called, so an empty one is an error before any
        sample is asked for.
    """
    dataset = dataset_at(cfg, data_root, split)
    if len(dataset) == 0:
        raise ConfigError(f'no {split} images found under {data_root!r}')
    return (dataset[int(index)] for index in spread_indices(len(dataset), num))
