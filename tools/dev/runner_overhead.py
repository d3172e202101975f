"""Development check: training through the mmengine Runner against a bare
PyTorch loop on the same model.

The Runner run is a real one (``runner_speed.py`` of the benchmark: the
config's dataset, pipeline, optimiser wrapper, hooks) on synthetic data or
``--data-root``, trained as ``tools/train.py`` does (the config's
``memory_format``, bf16 with ``--amp``); the bare loop trains the same
model with the same loss and optimiser on one in-memory batch, always fp32
NCHW, the reference of the training-speed goal. The gap is the framework's
overhead, data loading included: not a figure users need.

Example::

    python tools/dev/runner_overhead.py configs/linknet_cityscapes.py \\
        --batch 8 --iters 20 --amp
"""
import argparse
import copy
import os.path as osp
import statistics
import sys
import tempfile
import timeit
from typing import List, Tuple

import torch
from mmengine.config import Config
from mmengine.registry import OPTIMIZERS, init_default_scope
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

from linknet_mm.engine import enable_amp
from linknet_mm.utils import cpu_summary, load_config

# the benchmark's Runner timing and measuring, shared, not copied
sys.path.insert(0, osp.join(osp.dirname(osp.abspath(__file__)), '..',
                            'analysis_tools'))
from benchmark_table import text_table  # noqa: E402
from runner_speed import (PeakRSS, crop_size_of,  # noqa: E402
                          runner_throughput, training_data)


class BareLoop:
    """The config's model, loss and optimiser on one in-memory batch.

    Each :meth:`step` is ``model.loss`` -> sum of the ``loss*`` terms ->
    ``zero_grad``/``backward``/``step`` of the config's optimiser: no
    Runner, no DataLoader, no data preprocessor, no hooks.

    Args:
        cfg (Config): The config.
        batch_size (int): Batch size.
        hw (tuple[int, int]): Height and width of the batch.
        seed (int): Seed of the weights and the batch. Defaults to 0.
    """

    def __init__(self, cfg: Config, batch_size: int, hw: Tuple[int, int],
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

    def times(self, iters: int, warmup: int = 0) -> List[float]:
        """Seconds of each of ``iters`` steps after ``warmup`` untimed."""
        for _ in range(warmup):
            self.step()
        return timeit.repeat(self.step, number=1, repeat=iters)


def parse_args() -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(
        description='Runner against a bare training loop, on one model')
    add = parser.add_argument
    add('config', help='config file of the model')
    add('--batch', type=int, default=8, help='batch size')
    add('--iters', type=int, default=20, help='timed iterations of each')
    add('--warmup', type=int, default=3, help='untimed iterations first')
    add('--workers', type=int, help='DataLoader workers of the Runner')
    add('--data-root', help='training data (default: synthetic)')
    add('--amp', action='store_true', help='the Runner trains as --amp does')
    args = parser.parse_args()
    if min(args.batch, args.iters) < 1 or args.warmup < 0:
        parser.error('--batch and --iters must be >= 1, --warmup >= 0')
    return args


def main() -> None:
    """Train both ways and print the comparison.

    The bare loop runs half its iterations before the Runner and half
    after, so a drift in the machine's load shows in both.
    """
    args = parse_args()
    with tempfile.TemporaryDirectory() as work_dir:
        cfg = load_config(args.config, None, work_dir)
        if args.amp:
            enable_amp(cfg)
        init_default_scope(cfg.get('default_scope', 'mmseg'))
        data_root = training_data(cfg, args.data_root, work_dir, args.batch)
        hw, half = crop_size_of(cfg), max(args.iters // 2, 1)
        with PeakRSS() as bare_peak:
            loop = BareLoop(cfg, args.batch, hw)
            times = loop.times(half, args.warmup)
        runner = runner_throughput(cfg, data_root, osp.join(work_dir, 'run'),
                                   args.batch, args.iters, args.warmup,
                                   args.workers)
        with PeakRSS() as second_peak:
            times += loop.times(max(args.iters - half, 1), 1)
    bare_s = statistics.median(times)
    bare = dict(images_per_s=args.batch / bare_s, iter_ms=1000 * bare_s,
                peak_rss_mib=max(bare_peak.mib, second_peak.mib))
    print(f'machine: {cpu_summary()}, torch threads '
          f'{torch.get_num_threads()}')
    print(f'batch {args.batch} at {hw[0]}x{hw[1]}:')
    print(text_table(('', 'images/s', 'iter ms', 'peak MiB'), [[
        name, f'{row["images_per_s"]:.2f}', f'{row["iter_ms"]:.0f}',
        f'{row["peak_rss_mib"]:.0f}'
    ] for name, row in (('bare fp32 NCHW loop', bare),
                        ('mmengine Runner', runner))]))
    print(f'Runner / bare: {runner["images_per_s"] / bare["images_per_s"]:.3f}'
          f'; data time {100 * runner["data_share"]:.1f}% of each Runner '
          'iteration')


if __name__ == '__main__':
    main()
