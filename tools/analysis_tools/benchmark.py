"""Benchmark a segmentor: size, FLOPs, inference and training speed.

Prints a table and writes it as JSON (``--out``): parameters and FLOPs at
``--size`` (mmengine's counter), the backends of ``benchmark_backends.py``
timed at batch 1 and ``--batch`` with their parity against eager fp32, the
Runner's training images/s (``runner_speed.py``: fp32, and ``--amp`` where
the CPU has native bf16), peak memory and other processes' load. Timings
are medians after warm-up, every path in one run: compare within a run.

Example::

    python tools/analysis_tools/benchmark.py configs/linknet_cityscapes.py \\
        --size 256 256 --batch 8 --out work_dirs/benchmark.json
"""
import argparse
import copy
import json
import os
import os.path as osp
import platform
import resource
import sys
import tempfile

import onnxruntime as ort
import torch
from benchmark_backends import backends, low_precision, parity, time_backends
from benchmark_table import format_table
from mmengine.analysis import FlopAnalyzer, parameter_count
from mmengine.config import Config, DictAction
from runner_speed import (OtherCpuLoad, crop_size_of, runner_throughput,
                          training_data)

from linknet_mm.apis import init_segmentor
from linknet_mm.deploy import export_onnx
from linknet_mm.deploy.logits_model import in_channels_of
from linknet_mm.engine import enable_amp
from linknet_mm.errors import ConfigError, LinkNetError, error_line
from linknet_mm.utils import (cpu_flags, cpu_model, cpu_summary,
                              load_config, speed_flags)


def parse_args() -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(
        description='Benchmark inference and training of a segmentor')
    add = parser.add_argument
    add('config', help='config file of the model')
    add('checkpoint', nargs='?', help='checkpoint; random weights without')
    add('--size', type=int, nargs=2, default=[256, 256], metavar=('H', 'W'),
        help='input size of the FLOPs count and the inference timings')
    add('--batch', type=int, default=8,
        help='batch size timed besides 1, and the training batch size')
    add('--repeats', type=int, default=10,
        help='timed inference calls per backend and batch size')
    add('--warmup', type=int, default=2, help='untimed calls/iterations')
    add('--train-iters', type=int, default=20,
        help='timed training iterations of the Runner; 0 skips training')
    add('--workers', type=int,
        help="DataLoader workers of the Runner run (default: the config's)")
    add('--data-root', help='training data for the Runner run (default: '
        'synthetic data written to a temporary folder)')
    add('--threads', type=int, help='torch and ONNX Runtime threads')
    add('--onnx', help='ONNX export to time (default: exported here)')
    add('--no-low-precision', action='store_true',
        help='skip the bf16 and INT8 rows and the parity columns')
    add('--check-dir', help="labelled data (the dataset's data_root) for "
        'the parity columns (test split) and INT8 calibration (training '
        "split); default: synthetic data of the config's format")
    add('--check-num', type=int, default=16,
        help='test images of the parity check; 0 for all')
    add('--calib-num', type=int, default=32,
        help='calibration images of the INT8 model quantized here (the '
        'INT8 model tools/deployment/quantize.py wrote beside the '
        'checkpoint is timed as it is)')
    add('--out', help='JSON file to write the results to')
    add('--cfg-options', nargs='+', action=DictAction,
        help='override settings of the config, key=value pairs')
    args = parser.parse_args()
    for name in ('batch', 'repeats'):
        if getattr(args, name) < 1:
            parser.error(f'--{name} must be >= 1')
    if args.train_iters < 0 or args.warmup < 0:
        parser.error('--train-iters and --warmup must be >= 0')
    return args


def machine_info() -> dict:
    """The CPU, its speed flags, cores, threads, load and versions."""
    cores = len(os.sched_getaffinity(0)) if hasattr(
        os, 'sched_getaffinity') else os.cpu_count()
    return dict(
        cpu=cpu_model(), cpu_flags=speed_flags(cpu_flags()),
        summary=cpu_summary(), cores=cores,
        torch_threads=torch.get_num_threads(), load_average=os.getloadavg(),
        python=platform.python_version(), torch=torch.__version__,
        onnxruntime=ort.__version__)


def complexity(model: torch.nn.Module, hw: tuple) -> dict:
    """``params`` and ``flops`` per image, by mmengine's counter."""
    flops = FlopAnalyzer(model, torch.randn(1, in_channels_of(model), *hw))
    flops.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
    return dict(params=float(parameter_count(model)['']),
                flops=float(flops.total()))


def inference(model: torch.nn.Module, cfg: Config, args: argparse.Namespace,
              folder: str) -> dict:
    """Every backend timed at batch 1 and ``--batch``, and its parity."""
    hw, out = tuple(args.size), {}
    onnx_file = args.onnx or osp.join(folder, 'model.onnx')
    if args.onnx is None:
        export_onnx(model, onnx_file, example_hw=hw)
    low = None if args.no_low_precision else low_precision(
        model, cfg, args.checkpoint, args.check_dir, folder, args.calib_num,
        args.check_num or None)
    calls = backends(model, cfg, onnx_file, low)
    with OtherCpuLoad() as other:
        out['inference'] = time_backends(calls, in_channels_of(model), hw,
                                         sorted({1, args.batch}),
                                         args.repeats, args.warmup)
    out.update(backends=list(calls), busy=other.cores)
    if low:
        out.update(low_precision=low['summary'],
                   parity_data=args.check_dir or 'synthetic data',
                   parity=parity(model, cfg, calls, low['data'],
                                 args.check_num or None))
    return out


def training(cfg: Config, args: argparse.Namespace, folder: str) -> dict:
    """Runner throughput of fp32 and, where offered, ``--amp``."""
    data_root = training_data(cfg, args.data_root, folder, args.batch)
    paths = {}
    for name in ('fp32', 'amp'):
        path_cfg = copy.deepcopy(cfg)
        try:
            if name == 'amp':
                enable_amp(path_cfg)
        except ConfigError:  # no native bf16: --amp is refused here
            continue
        paths[name] = runner_throughput(path_cfg, data_root,
                                        osp.join(folder, name), args.batch,
                                        args.train_iters,
                                        max(args.warmup, 1), args.workers)
    return dict(paths=paths, size=list(crop_size_of(cfg)))


def benchmark(args: argparse.Namespace) -> dict:
    """Every figure of the table, as written to the JSON."""
    # checked --cfg-options; the JSON's folder (or a temporary one) is the
    # work dir, each Runner run gets its own
    cfg = load_config(
        args.config, args.cfg_options,
        osp.dirname(osp.abspath(args.out)) if args.out else
        tempfile.gettempdir())
    model = init_segmentor(cfg, args.checkpoint)
    result = dict(machine=machine_info(), config=cfg.filename,
                  checkpoint=args.checkpoint, size=list(args.size),
                  batch=args.batch,
                  flops_counts='one multiply-add as one FLOP (mmengine)',
                  **complexity(model, tuple(args.size)))
    with tempfile.TemporaryDirectory() as folder:
        result.update(inference(model, cfg, args, folder))
        result['other_cpu_cores'] = dict(inference=result.pop('busy'))
        if args.train_iters > 0:
            with OtherCpuLoad() as other:
                result['training'] = training(cfg, args, folder)
            result['other_cpu_cores']['training'] = other.cores
    rows = result['inference'] + list(
        result.get('training', {}).get('paths', {}).values())
    peaks = [resource.getrusage(who).ru_maxrss / 1024
             for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    result.update(
        peak_rss_mib=max([peaks[0]] + [row['peak_rss_mib'] for row in rows]),
        children_peak_rss_mib=peaks[1])
    return result


def main() -> None:
    """Run the benchmarks, print the table, write the JSON."""
    args = parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    result = benchmark(args)
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
