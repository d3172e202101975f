"""Development check: training through the mmengine Runner against a bare
PyTorch loop on the same model.

The Runner run is a real one (the config's dataset, pipeline, dataloader,
data preprocessor, optimiser wrapper, hooks and logging) on synthetic data
in the dataset's on-disk format; the bare loop trains the same model with
the same loss and optimiser on one in-memory batch. The gap between them is
the framework's overhead, data loading included: the acceptance check of
the training loop, not a figure users need (``tools/analysis_tools/
benchmark.py`` prints the Runner's throughput).

The Runner trains as ``tools/train.py`` does (the config's
``memory_format``, and bf16 with ``--amp``); the bare loop is always fp32
in PyTorch's default NCHW layout, the reference of the training-speed goal.

Example::

    python tools/dev/runner_overhead.py configs/linknet_cityscapes.py \\
        --batch 8 --iters 20 --amp
"""
import argparse
import copy
import os.path as osp
import sys
import tempfile
import timeit
from typing import Dict, Optional, Tuple

import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import OPTIMIZERS, init_default_scope
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

from linknet_mm.engine import enable_amp
from linknet_mm.utils import cpu_summary, load_tool_config

# the benchmark's Runner timing and measuring, shared, not copied
sys.path.insert(0, osp.join(osp.dirname(osp.abspath(__file__)), '..',
                            'analysis_tools'))
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
        for _ in range(warmup):
            self.step()
        return np.asarray(timeit.repeat(self.step, number=1, repeat=iters))


def compare(cfg: Config,
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
        dict: ``runner`` (see
        :func:`runner_speed.runner_throughput`), ``bare``
        (``images_per_s``, ``iter_ms``, ``peak_rss_mib``) and
        ``runner_vs_bare`` (ratio of images/s).
    """
    hw = crop_size_of(cfg)
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


def parse_args() -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(
        description='Runner against a bare training loop, on one model')
    parser.add_argument('config', help='config file of the model')
    parser.add_argument('--batch', type=int, default=8, help='batch size')
    parser.add_argument(
        '--iters', type=int, default=20, help='timed iterations of each')
    parser.add_argument(
        '--warmup', type=int, default=3, help='untimed iterations first')
    parser.add_argument(
        '--workers', type=int, help='DataLoader workers of the Runner')
    parser.add_argument(
        '--data-root', help='training data (default: synthetic)')
    parser.add_argument(
        '--amp', action='store_true', help='the Runner trains as --amp does')
    args = parser.parse_args()
    if min(args.batch, args.iters) < 1 or args.warmup < 0:
        parser.error('--batch and --iters must be >= 1, --warmup >= 0')
    return args


def main() -> None:
    """Train both ways and print the comparison."""
    args = parse_args()
    with tempfile.TemporaryDirectory() as work_dir:
        cfg = load_tool_config(args.config, None, work_dir)
        if args.amp:
            enable_amp(cfg)
        init_default_scope(cfg.get('default_scope', 'mmseg'))
        data_root = training_data(cfg, args.data_root, work_dir, args.batch)
        result = compare(cfg, data_root, osp.join(work_dir, 'run'), args.batch,
                         args.iters, args.warmup, args.workers)
    runner, bare = result['runner'], result['bare']
    print(f'machine: {cpu_summary()}, torch threads '
          f'{torch.get_num_threads()}')
    print(f'batch {args.batch} at {bare["size"][0]}x{bare["size"][1]}:')
    print(f'{"":<22}{"images/s":>10}{"iter ms":>10}{"peak MiB":>10}')
    for name, row in (('bare fp32 NCHW loop', bare), ('mmengine Runner',
                                                      runner)):
        print(f'{name:<22}{row["images_per_s"]:>10.2f}'
              f'{row["iter_ms"]:>10.0f}{row["peak_rss_mib"]:>10.0f}')
    print(f'Runner / bare: {result["runner_vs_bare"]:.3f}; data time '
          f'{100 * runner["data_share"]:.1f}% of each Runner iteration')


if __name__ == '__main__':
    main()
