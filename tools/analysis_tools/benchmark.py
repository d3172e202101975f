"""Benchmark a segmentor: size, FLOPs, inference and training speed.

Prints a table and writes it as JSON (``--out``):

- parameters and FLOPs at ``--size`` (mmengine's counter: one
  multiply-add is one FLOP);
- inference latency and images/s at batch 1 and ``--batch`` for eager
  PyTorch, the optimised PyTorch path (conv+BN folded, channels-last,
  ``torch.inference_mode``), ONNX Runtime fp32, bfloat16 (where the CPU
  computes it natively) and ONNX Runtime INT8, all computing logits at the
  input size from raw pixels, each with its parity against eager fp32 on
  labelled test images (``--check-dir``, else synthetic data): argmax
  agreement and the change of mIoU (and of a two-class model's Dice);
- training images/s through the mmengine Runner (the config's dataset
  pipeline on synthetic data, or ``--data-root``), and the share of each
  iteration spent waiting for data;
- peak resident memory of each phase (main process).

Timings are medians after warm-up; a busy machine slows every backend, so
compare figures from one run. The machine (CPU, cores, threads, load) is
printed and saved with them.

Example::

    python tools/analysis_tools/benchmark.py configs/linknet_cityscapes.py \\
        --size 256 256 --batch 8 --out work_dirs/benchmark.json
"""
import argparse
import json
import os.path as osp
import sys
import tempfile

import torch
from mmengine.config import DictAction

from linknet_mm.analysis.benchmark import BenchmarkSettings, benchmark
from linknet_mm.analysis.benchmark_table import format_table
from linknet_mm.errors import LinkNetError, error_line
from linknet_mm.utils import load_config


def _add_timing_args(parser: argparse.ArgumentParser) -> None:
    """Options of what is timed: sizes, repeats, training, threads."""
    parser.add_argument(
        '--size',
        type=int,
        nargs=2,
        default=[256, 256],
        metavar=('H', 'W'),
        help='input size of the FLOPs count and the inference timings')
    parser.add_argument(
        '--batch',
        type=int,
        default=8,
        help='batch size timed besides 1, and the training batch size')
    parser.add_argument(
        '--repeats',
        type=int,
        default=10,
        help='timed inference calls per backend and batch size')
    parser.add_argument(
        '--warmup', type=int, default=2, help='untimed calls/iterations')
    parser.add_argument(
        '--train-iters',
        type=int,
        default=20,
        help='timed training iterations of the Runner; 0 skips '
        'the training benchmark')
    parser.add_argument(
        '--workers',
        type=int,
        help='DataLoader workers of the Runner run (default: the config\'s)')
    parser.add_argument(
        '--data-root',
        help='training data for the Runner run (default: synthetic data '
        'written to a temporary folder)')
    parser.add_argument(
        '--threads', type=int, help='torch and ONNX Runtime threads')


def _add_low_precision_args(parser: argparse.ArgumentParser) -> None:
    """Options of the ONNX, bf16 and INT8 rows and their parity columns."""
    parser.add_argument(
        '--onnx', help='ONNX export to time (default: exported here)')
    parser.add_argument(
        '--no-low-precision',
        action='store_true',
        help='skip the bf16 and INT8 rows and the parity columns')
    parser.add_argument(
        '--check-dir',
        help='labelled data (the dataset\'s data_root) for the parity '
        'columns (test split) and INT8 calibration (training split); '
        'default: synthetic data of the config\'s format')
    parser.add_argument(
        '--check-num',
        type=int,
        default=16,
        help='test images of the parity check; 0 for all')
    parser.add_argument(
        '--calib-num',
        type=int,
        default=32,
        help='calibration images of the INT8 model quantized here (the '
        'INT8 model tools/deployment/quantize.py wrote beside the '
        'checkpoint is timed as it is)')


def parse_args() -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(
        description='Benchmark inference and training of a segmentor')
    parser.add_argument('config', help='config file of the model')
    parser.add_argument(
        'checkpoint', nargs='?', help='checkpoint; random weights without')
    _add_timing_args(parser)
    _add_low_precision_args(parser)
    parser.add_argument('--out', help='JSON file to write the results to')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value pairs')
    args = parser.parse_args()
    for name in ('batch', 'repeats'):
        if getattr(args, name) < 1:
            parser.error(f'--{name} must be >= 1')
    if args.train_iters < 0 or args.warmup < 0:
        parser.error('--train-iters and --warmup must be >= 0')
    return args


def main() -> None:
    """Run the benchmarks, print the table, write the JSON."""
    args = parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    # checked --cfg-options; the JSON's folder (or a temporary one) is the
    # work dir, the Runner run gets its own
    cfg = load_config(
        args.config, args.cfg_options,
        osp.dirname(osp.abspath(args.out))
        if args.out else tempfile.gettempdir())
    settings = BenchmarkSettings(
        hw=tuple(args.size),
        batch=args.batch,
        repeats=args.repeats,
        warmup=args.warmup,
        onnx_file=args.onnx,
        train_iters=args.train_iters,
        workers=args.workers,
        data_root=args.data_root,
        low_precision=not args.no_low_precision,
        check_dir=args.check_dir,
        check_num=args.check_num or None,
        calib_num=args.calib_num)
    result = benchmark(cfg, args.checkpoint, settings)
    # print, not print_log: the Runner run leaves a WARNING-level logger
    print(format_table(result))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(result, f, indent=2)
        print(f'wrote {args.out}')


if __name__ == '__main__':
    try:
        main()
    except (LinkNetError, FileNotFoundError) as error:
        sys.exit(f'error: {error_line(error)}')
