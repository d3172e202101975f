"""Synthetic data for a config: the dataset its training loader reads."""
import math
from typing import Callable, Dict

from mmengine.config import Config

from ..errors import ConfigError
from .brain_tumor import make_brain_tumor
from .cityscapes_pairs import make_cityscapes_pairs

#: Shares of the brain-tumour images its ``train`` and ``test`` splits get.
BRAIN_TUMOR_TRAIN_SHARE, BRAIN_TUMOR_TEST_SHARE = 0.6, 0.2


def _brain_tumor(root: str, num_train: int, num_test: int) -> None:
    """Write brain-tumour slices giving at least ``num_train`` to train and
    ``num_test`` to test."""
    make_brain_tumor(
        root,
        max(
            math.ceil(num_train / BRAIN_TUMOR_TRAIN_SHARE),
            math.ceil(num_test / BRAIN_TUMOR_TEST_SHARE)) + 1)


def _cityscapes_pairs(root: str, num_train: int, num_test: int) -> None:
    """Write ``num_train`` Cityscapes-pairs composites and ``num_test`` val
    ones."""
    make_cityscapes_pairs(root, num_train, num_test)


#: Writers of synthetic data by dataset type: (folder, training images).
SYNTHETIC_DATA: Dict[str, Callable[[str, int, int], None]] = {
    'BrainTumorDataset': _brain_tumor,
    'CityscapesPairsDataset': _cityscapes_pairs,
}


def make_synthetic_data(
        cfg: Config,
        root: str,
        num_train: int,
        num_test: int = 1,
        instead: str = 'give the real data with --data-root') -> None:
    """Write synthetic data for the config's dataset.

    Args:
        cfg (Config): The config.
        root (str): Folder to write into (the data root).
        num_train (int): Training images wanted.
        num_test (int): Test (or val) images wanted. Defaults to 1.
        instead (str): What the error for a dataset without synthetic
            data tells the user to do. Defaults to giving ``--data-root``.
    """
    kind = cfg.train_dataloader.dataset.type
    if kind not in SYNTHETIC_DATA:
        raise ConfigError(
            f'no synthetic data for train_dataloader.dataset.type={kind!r}'
            f' (known: {sorted(SYNTHETIC_DATA)}); {instead}')
    SYNTHETIC_DATA[kind](root, num_train, num_test)
