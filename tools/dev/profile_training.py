"""Development check: where one training step's CPU time goes, by operator.

Two untimed steps, then ``torch.profiler`` over ``--steps`` steps of the
config's model on one random batch (the bare loop of
``runner_overhead.py``: no Runner, no DataLoader), in fp32 or bf16
autocast, NCHW or channels-last. ``--mmseg-loss`` computes the loss with
mmseg's own ``BaseDecodeHead.loss_by_feat`` (resize and ``topk``
accuracy), the path before ``LinkNetHead.loss_by_feat``.

Example::

    python tools/dev/profile_training.py configs/linknet_cityscapes.py \\
        --bf16 --channels-last
"""
import argparse
import time

import numpy as np
import torch
from mmengine.registry import init_default_scope
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from runner_overhead import BareLoop
from torch.profiler import ProfilerActivity, profile

from linknet_mm.utils import cpu_summary, load_config


def parse_args() -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(
        description='Profile training steps of a config\'s model')
    parser.add_argument('config', help='config file of the model')
    parser.add_argument('--batch', type=int, default=8, help='batch size')
    parser.add_argument('--size', type=int, default=256, help='square side')
    parser.add_argument('--steps', type=int, default=3, help='profiled steps')
    parser.add_argument('--rows', type=int, default=12, help='operators shown')
    parser.add_argument('--bf16', action='store_true', help='bf16 autocast')
    parser.add_argument(
        '--channels-last', action='store_true', help='channels-last model')
    parser.add_argument(
        '--mmseg-loss',
        action='store_true',
        help='mmseg\'s BaseDecodeHead.loss_by_feat (resize, topk accuracy)')
    return parser.parse_args()


def main() -> None:
    """Profile and print the operators by their own CPU time."""
    args = parse_args()
    cfg = load_config(args.config)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    loop = BareLoop(cfg, args.batch, (args.size, args.size))
    if args.channels_last:
        loop.model.to(memory_format=torch.channels_last)
    head = loop.model.decode_head
    if args.mmseg_loss:
        head.loss_by_feat = BaseDecodeHead.loss_by_feat.__get__(head)
    autocast = torch.autocast('cpu', torch.bfloat16, enabled=args.bf16)

    def step() -> None:
        with autocast:
            loop.step()

    for _ in range(2):
        step()
    times = []
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(args.steps):
            start = time.perf_counter()
            step()
            times.append(time.perf_counter() - start)
    print(f'machine: {cpu_summary()}, torch threads {torch.get_num_threads()}')
    print(f'{"bf16" if args.bf16 else "fp32"}, '
          f'{"channels-last" if args.channels_last else "NCHW"}, '
          f'{"mmseg" if args.mmseg_loss else "LinkNetHead"} loss_by_feat: '
          f'{1000 * np.median(times):.0f} ms per step (median of '
          f'{args.steps}, profiled)')
    print(prof.key_averages().table(
        sort_by='self_cpu_time_total',
        row_limit=args.rows,
        max_name_column_width=40))


if __name__ == '__main__':
    main()
