"""What the speed tools measure with (median call times, peak memory per
block, other processes' load), and the Runner's training speed: a real run
of the config (its dataset, pipeline, optimiser wrapper, hooks), timed by
its own ``IterTimerHook``. Shared by ``benchmark.py`` and ``tools/dev``."""
import copy
import gc
import os
import os.path as osp
import resource
import statistics
import sys
import time
import timeit
from typing import Callable, Dict, Optional, Tuple

import numpy as np
from mmengine.config import Config
from mmengine.runner import Runner
from mmseg.registry import RUNNERS

# the generators of synthetic data live in tools/misc
sys.path.insert(0, osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))),
                            'misc'))
from make_synthetic_data import make_synthetic_data  # noqa: E402


def median_seconds(call: Callable[[], object], repeats: int,
                   warmup: int) -> float:
    """Median wall time of ``repeats`` calls after ``warmup`` untimed ones."""
    for _ in range(warmup):
        call()
    return statistics.median(timeit.repeat(call, number=1, repeat=repeats))


class PeakRSS:
    """Peak resident memory of this process over a block: ``mib``.

    On Linux writing 5 to ``/proc/self/clear_refs`` resets the peak
    (``VmHWM``), so each block has its own; elsewhere ``mib`` is the
    lifetime peak. Child processes (DataLoader workers) are not counted.
    """

    def __enter__(self) -> 'PeakRSS':
        try:
            with open('/proc/self/clear_refs', 'w') as f:
                f.write('5')
            self.per_block = True
        except OSError:
            self.per_block = False
        return self

    def __exit__(self, *exc_info) -> None:
        self.mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if self.per_block:
            with open('/proc/self/status') as f:
                hwm = next(line for line in f if line.startswith('VmHWM:'))
            self.mib = int(hwm.split()[1]) / 1024


def _cpu_sample() -> Optional[Tuple[float, float, float]]:
    """(wall s, machine busy s, own and reaped children's CPU s), None
    without ``/proc/stat``."""
    if not osp.exists('/proc/stat'):
        return None
    with open('/proc/stat') as f:
        ticks = [float(v) for v in f.readline().split()[1:9]]
    own = os.times()
    busy = (sum(ticks) - sum(ticks[3:5])) / os.sysconf('SC_CLK_TCK')
    return (time.monotonic(), busy, own.user + own.system +
            own.children_user + own.children_system)


class OtherCpuLoad:
    """Cores other processes kept busy over a block, on average: ``cores``.

    The machine's busy time minus ours, over the wall time: about 0 on an
    idle machine; well above it, timings are slowed by the competition.
    None where ``/proc/stat`` does not exist.
    """

    def __enter__(self) -> 'OtherCpuLoad':
        self.cores, self._start = None, _cpu_sample()
        return self

    def __exit__(self, *exc_info) -> None:
        end = _cpu_sample()
        if self._start and end:
            wall, busy, own = (b - a for a, b in zip(self._start, end))
            self.cores = max(busy - own, 0.0) / max(wall, 1e-9)


def crop_size_of(cfg: Config) -> Tuple[int, int]:
    """The training batches' size: the data preprocessor's, else 256x256."""
    size = (cfg.model.get('data_preprocessor') or {}).get('size')
    return tuple(size or (256, 256))


def training_data(cfg: Config, data_root: Optional[str], folder: str,
                  batch_size: int) -> str:
    """``data_root``, or 4 batches of synthetic data written to ``folder``."""
    if data_root is None:
        data_root = osp.join(folder, 'data')
        make_synthetic_data(cfg, data_root, 4 * batch_size)
    return data_root


def _runner_config(cfg: Config, data_root: str, work_dir: str,
                   batch_size: int, iters: int,
                   num_workers: Optional[int]) -> Config:
    """A copy of the config that trains ``iters`` iterations, nothing else."""
    cfg = copy.deepcopy(cfg)
    workers = {} if num_workers is None else {
        'train_dataloader.num_workers': num_workers,
        'train_dataloader.persistent_workers': num_workers > 0}
    cfg.merge_from_dict({
        'work_dir': work_dir, 'launcher': 'none', 'load_from': None,
        'resume': False, 'log_level': 'WARNING',
        'model.backbone.init_cfg': None, 'default_hooks.checkpoint': None,
        'train_dataloader.batch_size': batch_size,
        'train_dataloader.dataset.data_root': data_root, **workers,
        **{f'{stage}_{key}': None for stage in ('val', 'test')
           for key in ('cfg', 'dataloader', 'evaluator')}})
    cfg.train_cfg = dict(
        type='IterBasedTrainLoop', max_iters=iters, val_interval=iters + 1)
    return cfg


def runner_throughput(cfg: Config, data_root: str, work_dir: str,
                      batch_size: int, iters: int = 20, warmup: int = 3,
                      num_workers: Optional[int] = None) -> Dict[str, float]:
    """Train ``warmup + iters`` iterations through the Runner (the training
    set at ``data_root``, logs in ``work_dir``, the config's DataLoader
    workers when ``num_workers`` is None) and read its iteration timer.

    Returns:
        dict: ``images_per_s`` (batch / median iteration time),
        ``iter_ms``, ``data_ms`` (medians), ``data_share`` (data time /
        iteration time, summed), ``num_workers``, ``peak_rss_mib``.
    """
    run_cfg = _runner_config(cfg, data_root, work_dir, batch_size,
                             warmup + iters, num_workers)
    runner = RUNNERS.build(run_cfg) if run_cfg.get('runner_type') else \
        Runner.from_cfg(run_cfg)
    with PeakRSS() as peak:
        runner.train()
    hub = runner.message_hub
    times, data = (np.asarray(hub.get_scalar(f'train/{key}').data[0][warmup:])
                   for key in ('time', 'data_time'))
    del runner  # its model and workers, before the next run
    gc.collect()
    return dict(
        images_per_s=batch_size / float(np.median(times)),
        iter_ms=1000 * float(np.median(times)),
        data_ms=1000 * float(np.median(data)),
        data_share=float(data.sum() / times.sum()),
        num_workers=run_cfg.train_dataloader.num_workers,
        peak_rss_mib=peak.mib)
