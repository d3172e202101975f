"""Benchmark a segmentor: size, FLOPs, inference and training speed.

Prints a table and writes it as JSON (``--out``):

- parameters and FLOPs at ``--size`` (mmengine's counter: one
  multiply-add is one FLOP);
- inference latency and images/s at batch 1 and ``--batch`` for eager
  PyTorch, the optimised PyTorch path (conv+BN folded, channels-last,
  ``torch.inference_mode``) and ONNX Runtime, all computing logits at the
  input size from raw pixels;
- training images/s through the mmengine Runner (the config's dataset
  pipeline on synthetic data, or ``--data-root``) against a bare PyTorch
  loop on in-memory tensors, and the share of each Runner iteration spent
  waiting for data;
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
import resource
import sys
import tempfile
from typing import Dict, List

import torch
from mmengine.config import Config, DictAction

from linknet_mm.analysis.benchmark import (BACKENDS, OtherCpuLoad, PeakRSS,
                                        complexity, inference_speed,
                                        machine_info)
from linknet_mm.analysis.train_benchmark import (compare_training,
                                              make_synthetic_data)
from linknet_mm.apis import init_segmentor
from linknet_mm.errors import LinkNetError
from linknet_mm.utils import load_tool_config

#: Targets: fastest backend / eager images/s, Runner / bare-loop images/s,
#: and the share of a Runner iteration spent waiting for data.
SPEEDUP_GOAL = 1.5
RUNNER_GOAL = 0.9
DATA_SHARE_GOAL = 0.05
#: Other processes' average busy cores above which timings are flagged.
BUSY_CORES = 0.25
#: Synthetic training images written per image of a batch.
IMAGES_PER_BATCH_IMAGE = 4


def parse_args() -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(
        description='Benchmark inference and training of a segmentor')
    parser.add_argument('config', help='config file of the model')
    parser.add_argument(
        'checkpoint', nargs='?', help='checkpoint; random weights without')
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
        help='timed training iterations (Runner and bare loop); 0 skips '
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
        '--onnx', help='ONNX export to time (default: exported here)')
    parser.add_argument(
        '--threads', type=int, help='torch and ONNX Runtime threads')
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


def speedups(rows: List[dict]) -> Dict[str, Dict[str, float]]:
    """Images/s of each backend over eager's, per batch size.

    Args:
        rows (list[dict]): Rows of ``inference_speed``.

    Returns:
        dict: ``{batch: {backend: ratio}}``.
    """
    eager = {
        r['batch']: r['images_per_s']
        for r in rows if r['backend'] == 'eager'
    }
    out = {}
    for row in rows:
        out.setdefault(str(row['batch']), {})[row['backend']] = \
            row['images_per_s'] / eager[row['batch']]
    return out


def goals(result: dict) -> Dict[str, dict]:
    """The targets of issue 5, measured.

    Args:
        result (dict): The benchmark results so far.

    Returns:
        dict: Per goal, ``value``, ``target`` and ``met``.
    """
    # at every batch size, the faster of the optimised path and ORT
    best = min(
        max(ratio for backend, ratio in per_batch.items()
            if backend != 'eager') for per_batch in result['speedup'].values())
    out = dict(
        fast_path_speedup=dict(
            value=best, target=f'>= {SPEEDUP_GOAL}', met=best >= SPEEDUP_GOAL))
    training = result.get('training')
    if training:
        ratio = training['runner_vs_bare']
        share = training['runner']['data_share']
        out['runner_vs_bare'] = dict(
            value=ratio, target=f'>= {RUNNER_GOAL}', met=ratio >= RUNNER_GOAL)
        out['data_share'] = dict(
            value=share,
            target=f'< {DATA_SHARE_GOAL}',
            met=share < DATA_SHARE_GOAL)
    return out


def format_table(result: dict) -> str:
    """The results as text.

    Args:
        result (dict): The benchmark results.

    Returns:
        str: Tables of inference and training figures.
    """
    m = result['machine']
    others = ', '.join(f'{phase} {cores:.2f}'
                       for phase, cores in result['other_cpu_cores'].items()
                       if cores is not None)
    lines = [
        f"machine: {m['cpu']} ({' '.join(m['cpu_flags']) or 'no AVX2'}), "
        f"{m['cores']} cores, torch threads "
        f"{m['torch_threads']}; cores kept busy by other processes: "
        f'{others or "unknown"}',
        f"model: {result['config']}, {result['params'] / 1e6:.2f}M "
        f"parameters, {result['flops'] / 1e9:.2f} GFLOPs at "
        f"{result['size'][0]}x{result['size'][1]} (1 multiply-add = "
        '1 FLOP)', '',
        f'{"backend":<13}{"batch":>6}{"latency ms":>12}{"images/s":>10}'
        f'{"x eager":>9}{"peak MiB":>10}{"busy*":>7}'
    ]
    for row in result['inference']:
        ratio = result['speedup'][str(row['batch'])][row['backend']]
        busy = row['other_cpu_cores']
        busy = '-' if busy is None else f'{busy:.2f}'
        lines.append(f"{row['backend']:<13}{row['batch']:>6}"
                     f"{row['latency_ms']:>12.1f}{row['images_per_s']:>10.2f}"
                     f'{ratio:>9.2f}{row["peak_rss_mib"]:>10.0f}{busy:>7}')
    lines.append('* cores kept busy by other processes while timing')
    training = result.get('training')
    if training:
        runner, bare = training['runner'], training['bare']
        lines += [
            '', f'training, batch {result["batch"]} at '
            f'{bare["size"][0]}x{bare["size"][1]}:',
            f'{"":<22}{"images/s":>10}{"iter ms":>10}{"peak MiB":>10}',
            f'{"bare PyTorch loop":<22}{bare["images_per_s"]:>10.2f}'
            f'{bare["iter_ms"]:>10.0f}{bare["peak_rss_mib"]:>10.0f}',
            f'{"mmengine Runner":<22}{runner["images_per_s"]:>10.2f}'
            f'{runner["iter_ms"]:>10.0f}{runner["peak_rss_mib"]:>10.0f}',
            f'Runner / bare: {training["runner_vs_bare"]:.3f}; data time '
            f'{100 * runner["data_share"]:.1f}% of each iteration '
            f'({runner["data_ms"]:.1f} ms median, '
            f'{runner["num_workers"]} workers)'
        ]
    lines += ['', 'goals:']
    for name, goal in result['goals'].items():
        lines.append(
            f"  {name:<18} {goal['value']:.3f} (target "
            f"{goal['target']}): {'met' if goal['met'] else 'NOT met'}")
    lines.append(
        f"peak RSS of the whole run: {result['peak_rss_mib']:.0f} "
        'MiB (largest child process, e.g. a DataLoader worker, shared '
        'pages included: '
        f"{result['children_peak_rss_mib']:.0f} MiB)")
    for phase, cores in result['other_cpu_cores'].items():
        if cores is not None and cores > BUSY_CORES:
            lines.append(
                f'WARNING: other processes kept {cores:.2f} of '
                f"{m['cores']} cores busy during the {phase} timings; "
                'they are slowed by it: run again on an idle machine')
    return '\n'.join(lines)


def training(cfg: Config, args: argparse.Namespace) -> dict:
    """Runner against bare-loop training, on synthetic data if none given.

    Args:
        cfg (Config): The config.
        args (argparse.Namespace): Parsed arguments.

    Returns:
        dict: See :func:`linknet_mm.analysis.train_benchmark.compare_training`.
    """
    with tempfile.TemporaryDirectory() as work_dir:
        data_root = args.data_root
        if data_root is None:
            data_root = osp.join(work_dir, 'data')
            make_synthetic_data(cfg, data_root,
                                args.batch * IMAGES_PER_BATCH_IMAGE)
        return compare_training(cfg, data_root, osp.join(work_dir, 'run'),
                                args.batch, args.train_iters,
                                max(args.warmup, 1), args.workers)


def main() -> None:
    """Run the benchmarks, print the table, write the JSON."""
    args = parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    # checked --cfg-options; the JSON's folder (or a temporary one) is the
    # work dir, the Runner run gets its own
    cfg = load_tool_config(
        args.config, args.cfg_options,
        osp.dirname(osp.abspath(args.out))
        if args.out else tempfile.gettempdir())
    hw = tuple(args.size)
    with PeakRSS() as load_peak:
        model = init_segmentor(cfg, args.checkpoint)
    result = dict(
        machine=machine_info(),
        config=args.config,
        checkpoint=args.checkpoint,
        size=list(hw),
        batch=args.batch,
        flops_counts='one multiply-add as one FLOP (mmengine)',
        model_load_peak_rss_mib=load_peak.mib)
    result.update(complexity(model, hw))
    batches = sorted({1, args.batch})
    other_cpu = {}
    with OtherCpuLoad() as other:
        result['inference'] = inference_speed(model, hw, batches, args.repeats,
                                              args.warmup, args.onnx,
                                              torch.get_num_threads())
    other_cpu['inference'] = other.cores
    result['speedup'] = speedups(result['inference'])
    if args.train_iters > 0:
        with OtherCpuLoad() as other:
            result['training'] = training(cfg, args)
        other_cpu['training'] = other.cores
    result['other_cpu_cores'] = other_cpu
    result['goals'] = goals(result)
    result['peak_rss_mib'] = max(
        [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024] +
        [row['peak_rss_mib'] for row in result['inference']] + [
            part['peak_rss_mib']
            for part in result.get('training', {}).values()
            if isinstance(part, dict)
        ])
    result['children_peak_rss_mib'] = resource.getrusage(
        resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result['backends'] = list(BACKENDS)
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
        sys.exit(f'error: {error}')
