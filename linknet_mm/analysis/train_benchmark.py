"""Training throughput: the mmengine Runner against a bare PyTorch loop.

The Runner run is a real one (the config's dataset, pipeline, dataloader,
data preprocessor, optimiser wrapper, hooks and logging) on synthetic data
in the dataset's on-disk format; the bare loop trains the same model with
the same loss and optimiser on one in-memory batch. The gap between them
is the framework's overhead, data loading included; the Runner's own
``data_time``/``time`` logs (``IterTimerHook``) give the share of each
iteration spent waiting for data.
"""
import copy
import gc
import math
from typing import Callable, Dict, Optional, Tuple

import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import OPTIMIZERS
from mmengine.runner import Runner
from mmengine.structures import PixelData
from mmseg.registry import MODELS, RUNNERS
from mmseg.structures import SegDataSample

from ..synthetic import make_brain_tumor, make_cityscapes_pairs
from .benchmark import PeakRSS
from .timing import call_times
from ..utils.config import ConfigError

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


def make_synthetic_data(cfg: Config,
                        root: str,
                        num_train: int,
                        num_test: int = 1) -> None:
    """Write synthetic data for the config's dataset.

    Args:
        cfg (Config): The config.
        root (str): Folder to write into (the data root).
        num_train (int): Training images wanted.
        num_test (int): Test (or val) images wanted. Defaults to 1.
    """
    kind = cfg.train_dataloader.dataset.type
    if kind not in SYNTHETIC_DATA:
        raise ConfigError(
            f'no synthetic data for train_dataloader.dataset.type={kind!r}'
            f' (known: {sorted(SYNTHETIC_DATA)}); give the real data with '
            '--data-root')
    SYNTHETIC_DATA[kind](root, num_train, num_test)


def crop_size_of(cfg: Config, default: Tuple[int, int]) -> Tuple[int, int]:
    """Size of the training batches: the data preprocessor's ``size``.

    Args:
        cfg (Config): The config.
        default (tuple[int, int]): Used when the config sets none.

    Returns:
        tuple[int, int]: Height and width.
    """
    size = (cfg.model.get('data_preprocessor') or {}).get('size')
    return tuple(size) if size else tuple(default)


def _runner_config(cfg: Config, data_root: str, work_dir: str, batch_size: int,
                   iters: int, num_workers: Optional[int]) -> Config:
    """The config trimmed to ``iters`` training iterations, nothing else.

    Args:
        cfg (Config): The config (not changed).
        data_root (str): Data root of the training set.
        work_dir (str): Work dir of the run.
        batch_size (int): Training batch size.
        iters (int): Iterations.
        num_workers (int, optional): DataLoader workers; None keeps the
            config's.

    Returns:
        Config: The trimmed copy.
    """
    cfg = copy.deepcopy(cfg)
    cfg.work_dir = work_dir
    cfg.launcher = 'none'
    cfg.load_from = None
    cfg.resume = False
    cfg.log_level = 'WARNING'
    cfg.model.backbone.init_cfg = None
    loader = cfg.train_dataloader
    loader.batch_size = batch_size
    loader.dataset.data_root = data_root
    if num_workers is not None:
        loader.num_workers = num_workers
        loader.persistent_workers = num_workers > 0
    cfg.train_cfg = dict(
        type='IterBasedTrainLoop', max_iters=iters, val_interval=iters + 1)
    for stage in ('val', 'test'):
        cfg[f'{stage}_cfg'] = None
        cfg[f'{stage}_dataloader'] = None
        cfg[f'{stage}_evaluator'] = None
    cfg.default_hooks.checkpoint = None
    return cfg


def runner_throughput(cfg: Config,
                      data_root: str,
                      work_dir: str,
                      batch_size: int,
                      iters: int = 20,
                      warmup: int = 3,
                      num_workers: Optional[int] = None) -> Dict[str, float]:
    """Train through the mmengine Runner and read its iteration timer.

    Args:
        cfg (Config): The config; its training dataset must be at
            ``data_root``.
        data_root (str): Data root of the training set.
        work_dir (str): Work dir for the run's logs.
        batch_size (int): Training batch size.
        iters (int): Timed iterations. Defaults to 20.
        warmup (int): Iterations run first and not counted (the first
            includes starting the DataLoader workers). Defaults to 3.
        num_workers (int, optional): DataLoader workers; None keeps the
            config's. Defaults to None.

    Returns:
        dict: ``images_per_s`` (batch / median iteration time),
        ``iter_ms`` and ``data_ms`` (medians), ``data_share`` (summed
        data time / summed iteration time), ``num_workers`` and
        ``peak_rss_mib`` (main process).
    """
    run_cfg = _runner_config(cfg, data_root, work_dir, batch_size,
                             warmup + iters, num_workers)
    runner = RUNNERS.build(run_cfg) if run_cfg.get('runner_type') else \
        Runner.from_cfg(run_cfg)
    with PeakRSS() as peak:
        runner.train()
    hub = runner.message_hub
    times = np.asarray(hub.get_scalar('train/time').data[0][warmup:])
    data = np.asarray(hub.get_scalar('train/data_time').data[0][warmup:])
    del runner
    gc.collect()
    return dict(
        images_per_s=batch_size / float(np.median(times)),
        iter_ms=1000 * float(np.median(times)),
        data_ms=1000 * float(np.median(data)),
        data_share=float(data.sum() / times.sum()),
        num_workers=run_cfg.train_dataloader.num_workers,
        peak_rss_mib=peak.mib)


class BareLoop:
    """The config's model, loss and optimiser on one in-memory batch.

    Each :meth:`step` is ``model.loss`` -> sum of the ``loss*`` terms ->
    ``zero_grad``/``backward``/``step`` of the config's optimiser: no
    Runner, no DataLoader, no data preprocessor, no hooks.

    Args:
        cfg (Config): The config.
        batch_size (int): Batch size.
        hw (tuple[int, int]): Height and width of the batch.
        seed (int): Seed of the weights and the random batch. Defaults to
            0.
    """

    def __init__(self,
                 cfg: Config,
                 batch_size: int,
                 hw: Tuple[int, int],
                 seed: int = 0) -> None:
        torch.manual_seed(seed)
        model_cfg = copy.deepcopy(cfg.model)
        model_cfg.backbone.init_cfg = None
        self.model = MODELS.build(model_cfg).train()
        self.optimizer = OPTIMIZERS.build(
            dict(cfg.optim_wrapper.optimizer, params=self.model.parameters()))
        num_classes = model_cfg.decode_head.num_classes
        channels = model_cfg.backbone.get('in_channels', 3)
        self.inputs = torch.randn(batch_size, channels, *hw)
        meta = dict(img_shape=hw, pad_shape=hw, ori_shape=hw)
        self.samples = [
            SegDataSample(
                gt_sem_seg=PixelData(
                    data=torch.randint(0, num_classes, (1, *hw))),
                metainfo=meta) for _ in range(batch_size)
        ]

    def step(self) -> None:
        """One training step."""
        losses = self.model.loss(self.inputs, self.samples)
        loss = sum(value for key, value in losses.items() if 'loss' in key)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()

    def times(self, iters: int, warmup: int = 0) -> np.ndarray:
        """Seconds of ``iters`` steps after ``warmup`` untimed ones.

        Args:
            iters (int): Timed steps.
            warmup (int): Untimed steps first. Defaults to 0.

        Returns:
            np.ndarray: Seconds per step.
        """
        return call_times(self.step, iters, warmup)


def compare_training(cfg: Config,
                     data_root: str,
                     work_dir: str,
                     batch_size: int,
                     iters: int = 20,
                     warmup: int = 3,
                     num_workers: Optional[int] = None) -> Dict[str, dict]:
    """Runner throughput next to the bare loop's, on the same model.

    The bare loop runs half its iterations before the Runner and half
    after, so a drift in the machine's load shows in both.

    Args:
        cfg (Config): The config.
        data_root (str): Data root of the training set.
        work_dir (str): Work dir for the Runner's logs.
        batch_size (int): Training batch size.
        iters (int): Timed iterations of each. Defaults to 20.
        warmup (int): Untimed iterations of each first. Defaults to 3.
        num_workers (int, optional): DataLoader workers; None keeps the
            config's. Defaults to None.

    Returns:
        dict: ``runner`` (see :func:`runner_throughput`), ``bare``
        (``images_per_s``, ``iter_ms``, ``peak_rss_mib``) and
        ``runner_vs_bare`` (ratio of images/s).
    """
    hw = crop_size_of(cfg, (256, 256))
    with PeakRSS() as bare_peak:
        loop = BareLoop(cfg, batch_size, hw)
        first = loop.times(max(iters // 2, 1), warmup)
    runner = runner_throughput(cfg, data_root, work_dir, batch_size, iters,
                               warmup, num_workers)
    with PeakRSS() as second_peak:
        second = loop.times(max(iters - iters // 2, 1), 1)
    times = np.concatenate([first, second])
    bare = dict(
        images_per_s=batch_size / float(np.median(times)),
        iter_ms=1000 * float(np.median(times)),
        peak_rss_mib=max(bare_peak.mib, second_peak.mib),
        size=list(hw))
    return dict(
        runner=runner,
        bare=bare,
        runner_vs_bare=runner['images_per_s'] / bare['images_per_s'])
