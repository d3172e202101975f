"""One benchmark run of a segmentor, and its report as text.

What ``tools/analysis_tools/benchmark.py`` prints and writes: size and
FLOPs, inference speed of eager PyTorch, the optimised path and ONNX
Runtime, Runner against bare-loop training, peak memory, and how busy other
processes kept the machine while timing.
"""
import os.path as osp
import resource
import tempfile
from typing import Dict, List, Optional, Tuple

import torch
from mmengine.config import Config

from ..apis import init_segmentor
from ..deploy.bf16_segmentor import bf16_unavailable
from .benchmark import (BACKENDS, OtherCpuLoad, PeakRSS, complexity,
                        inference_speed, machine_info, onnx_file_for)
from .benchmark_parity import (backend_parity, data_for_checks,
                               int8_for_benchmark)
from .train_benchmark import compare_training, make_synthetic_data

#: Other processes' average busy cores above which timings are flagged.
BUSY_CORES = 0.25
#: Synthetic training images written per image of a batch.
IMAGES_PER_BATCH_IMAGE = 4


def benchmark(cfg: Config,
              checkpoint: Optional[str],
              hw: Tuple[int, int],
              batch: int,
              repeats: int = 10,
              warmup: int = 2,
              onnx_file: Optional[str] = None,
              train_iters: int = 20,
              workers: Optional[int] = None,
              data_root: Optional[str] = None,
              low_precision: bool = True,
              check_dir: Optional[str] = None,
              check_num: Optional[int] = 16,
              calib_num: int = 32) -> dict:
    """Every figure of ``tools/analysis_tools/benchmark.py``.

    Args:
        cfg (Config): The config (``cfg.filename`` is reported).
        checkpoint (str, optional): Weights; random when None.
        hw (tuple[int, int]): Input size of FLOPs and inference timings.
        batch (int): Batch size timed besides 1; the training batch size.
        repeats (int): Timed inference calls per backend and batch size.
            Defaults to 10.
        warmup (int): Untimed calls / iterations first. Defaults to 2.
        onnx_file (str, optional): ONNX export to time; exported to a
            temporary file when None. Defaults to None.
        train_iters (int): Timed training iterations; 0 skips training.
            Defaults to 20.
        workers (int, optional): DataLoader workers of the Runner run.
            Defaults to None (the config's).
        data_root (str, optional): Training data. Defaults to None
            (synthetic).
        low_precision (bool): Time bf16 (where the CPU offers it) and INT8
            too, and check every backend's parity with eager fp32.
            Defaults to True.
        check_dir (str, optional): Labelled data of the parity check (its
            test split) and of INT8 calibration (its training split);
            synthetic data of the config's format when None.
        check_num (int, optional): Images checked; all when None.
            Defaults to 16.
        calib_num (int): Calibration images of a new INT8 model (one
            beside the checkpoint is timed as it is). Defaults to 32.

    Returns:
        dict: The results, as written to the tool's JSON.
    """
    with PeakRSS() as load_peak:
        model = init_segmentor(cfg, checkpoint)
    result = dict(
        machine=machine_info(),
        config=cfg.filename,
        checkpoint=checkpoint,
        size=list(hw),
        batch=batch,
        flops_counts='one multiply-add as one FLOP (mmengine)',
        model_load_peak_rss_mib=load_peak.mib)
    result.update(complexity(model, hw))
    other_cpu = {}
    with onnx_file_for(model, onnx_file, hw) as onnx_file, \
            tempfile.TemporaryDirectory() as folder:
        bf16, int8, checks = False, None, None
        if low_precision:
            checks = data_for_checks(cfg, check_dir, folder, calib_num,
                                     check_num)
            bf16 = bf16_unavailable() is None
            int8 = int8_for_benchmark(model, checkpoint, checks, calib_num,
                                      folder)
            result['low_precision'] = dict(
                bf16=bf16_unavailable() or 'offered', int8=int8['source'])
        with OtherCpuLoad() as other:
            result['inference'] = inference_speed(
                model, hw, sorted({1, batch}), repeats, warmup, onnx_file,
                torch.get_num_threads(), bf16, int8 and int8['file'])
        other_cpu['inference'] = other.cores
        if low_precision:
            result['parity'] = backend_parity(model, cfg, checks, check_num,
                                              onnx_file, bf16, int8['file'])
            result['parity_data'] = check_dir or 'synthetic data'
    result['speedup'] = speedups(result['inference'])
    if train_iters > 0:
        with OtherCpuLoad() as other:
            result['training'] = training(cfg, batch, train_iters, warmup,
                                          workers, data_root)
        other_cpu['training'] = other.cores
    result['other_cpu_cores'] = other_cpu
    result.update(_peak_memory(result))
    timed = {row['backend'] for row in result['inference']}
    result['backends'] = [name for name in BACKENDS if name in timed]
    return result


def _peak_memory(result: dict) -> Dict[str, float]:
    """Peak resident memory of the whole run and of its children.

    Args:
        result (dict): The results, with the peaks of each phase.

    Returns:
        dict: ``peak_rss_mib`` and ``children_peak_rss_mib``.
    """
    phases = [row['peak_rss_mib'] for row in result['inference']] + [
        part['peak_rss_mib']
        for part in result.get('training', {}).values()
        if isinstance(part, dict)
    ]
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return dict(
        peak_rss_mib=max([own] + phases),
        children_peak_rss_mib=resource.getrusage(
            resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def training(cfg: Config, batch: int, iters: int, warmup: int,
             workers: Optional[int] = None,
             data_root: Optional[str] = None) -> dict:
    """Runner against bare-loop training, on synthetic data if none given.

    Args:
        cfg (Config): The config.
        batch (int): Batch size.
        iters (int): Timed iterations.
        warmup (int): Untimed iterations first (at least 1 is run).
        workers (int, optional): DataLoader workers of the Runner run; the
            config's when None. Defaults to None.
        data_root (str, optional): Training data; synthetic data in a
            temporary folder when None. Defaults to None.

    Returns:
        dict: See :func:`linknet_mm.analysis.train_benchmark.compare_training`.
    """
    with tempfile.TemporaryDirectory() as work_dir:
        if data_root is None:
            data_root = osp.join(work_dir, 'data')
            make_synthetic_data(cfg, data_root,
                                batch * IMAGES_PER_BATCH_IMAGE)
        return compare_training(cfg, data_root, osp.join(work_dir, 'run'),
                                batch, iters, max(warmup, 1), workers)


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


def format_table(result: dict) -> str:
    """The results as text.

    Args:
        result (dict): The benchmark results.

    Returns:
        str: Tables of inference and training figures.
    """
    lines = _inference_lines(result)
    if result.get('training'):
        lines += _training_lines(result)
    lines.append('')
    lines.append(
        f"peak RSS of the whole run: {result['peak_rss_mib']:.0f} "
        'MiB (largest child process, e.g. a DataLoader worker, shared '
        'pages included: '
        f"{result['children_peak_rss_mib']:.0f} MiB)")
    for phase, cores in result['other_cpu_cores'].items():
        if cores is not None and cores > BUSY_CORES:
            lines.append(
                f'WARNING: other processes kept {cores:.2f} of '
                f"{result['machine']['cores']} cores busy during the "
                f'{phase} timings; they are slowed by it: run again on an '
                'idle machine')
    return '\n'.join(lines)


def _inference_lines(result: dict) -> List[str]:
    """The machine, the model and the inference table.

    Args:
        result (dict): The benchmark results.

    Returns:
        list[str]: Lines of text.
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
        f'{"x eager":>9}{"peak MiB":>10}{"busy*":>7}{"agree %":>9}'
        f'{"dmIoU":>7}{"ddice":>7}  parity'
    ]
    parity = result.get('parity', {})
    for row in result['inference']:
        ratio = result['speedup'][str(row['batch'])][row['backend']]
        busy = row['other_cpu_cores']
        busy = '-' if busy is None else f'{busy:.2f}'
        lines.append(f"{row['backend']:<13}{row['batch']:>6}"
                     f"{row['latency_ms']:>12.1f}{row['images_per_s']:>10.2f}"
                     f'{ratio:>9.2f}{row["peak_rss_mib"]:>10.0f}{busy:>7}'
                     f'{_parity_cells(parity, row["backend"])}')
    lines.append('* cores kept busy by other processes while timing')
    lines += _parity_notes(result)
    return lines


def _parity_cells(parity: dict, backend: str) -> str:
    """Agreement, mIoU and Dice change and verdict of one backend.

    Args:
        parity (dict): Parity figures per backend (eager's under 'fp32');
            empty if not checked.
        backend (str): The backend.

    Returns:
        str: The cells, '-' where not checked.
    """
    reference = backend == 'eager'
    figures = parity.get('fp32' if reference else backend)
    if figures is None:
        return f'{"-":>9}{"-":>7}{"-":>7}  -'
    dice = figures.get('Dice_change')
    dice = '-' if dice is None else f'{dice:+.2f}'
    verdict = 'ref' if reference else ('ok' if figures['ok'] else 'FAIL')
    return (f'{100 * figures["agreement"]:>9.3f}'
            f'{figures["mIoU_change"]:>+7.2f}{dice:>7}  {verdict}')


def _parity_notes(result: dict) -> List[str]:
    """What the parity columns were measured on, and what was not timed.

    Args:
        result (dict): The benchmark results.

    Returns:
        list[str]: Lines of text; none without low-precision rows.
    """
    if 'parity' not in result:
        return []
    fp32 = result['parity']['fp32']
    dice = (f', Dice.{fp32["Dice_class"]} {fp32["Dice"]:.2f}'
            if 'Dice' in fp32 else '')
    low = result['low_precision']
    lines = [
        f'parity: against eager fp32 on {fp32["images"]} test images of '
        f'{result["parity_data"]} (fp32 mIoU {fp32["mIoU"]:.2f}{dice}); '
        'dmIoU, ddice in points; ok = agreement >= 99.5 %, |dmIoU| <= 0.5, '
        '|ddice| <= 0.5', f'int8: {low["int8"]}'
    ]
    if low['bf16'] != 'offered':
        lines.append(f'bf16 not timed: {low["bf16"]}')
    return lines


def _training_lines(result: dict) -> List[str]:
    """The Runner against bare-loop training table.

    Args:
        result (dict): The benchmark results, with ``training``.

    Returns:
        list[str]: Lines of text.
    """
    training = result['training']
    runner, bare = training['runner'], training['bare']
    return [
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
