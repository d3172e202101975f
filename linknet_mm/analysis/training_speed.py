"""Training throughput through the mmengine Runner.

A real run (the config's dataset, pipeline, dataloader, data
preprocessor, optimiser wrapper, hooks and logging) of a few iterations;
the Runner's own ``data_time``/``time`` logs (``IterTimerHook``) give
the iteration time and the share spent waiting for data.
"""
import copy
import gc
from typing import Dict, Optional, Tuple

import numpy as np
from mmengine.config import Config
from mmengine.runner import Runner
from mmseg.registry import RUNNERS

from .measuring import PeakRSS


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
