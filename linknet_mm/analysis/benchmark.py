"""One benchmark run of a segmentor: what ``tools/analysis_tools/benchmark.py``
prints and writes.

Size and FLOPs, inference speed of each backend (:mod:`.inference_speed`),
their parity with eager fp32 (:mod:`.benchmark_parity`), training
throughput through the Runner (:mod:`.training_speed`), peak memory, and
how busy other processes kept the machine; :mod:`.benchmark_table` turns
the result into text.
"""
import copy
import logging
import os
import os.path as osp
import platform
import resource
import tempfile
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import onnxruntime as ort
import torch
import torch.nn as nn
from mmengine.analysis import get_model_complexity_info
from mmengine.config import Config
from mmengine.logging import MMLogger

from ..apis import init_segmentor
from ..deploy.bf16_segmentor import bf16_unavailable
from ..deploy.logits_model import in_channels_of
from ..engine import enable_amp
from ..errors import ConfigError
from ..synthetic import make_synthetic_data
from ..utils.cpu import cpu_flags, cpu_model, read_cpuinfo, speed_flags
from .benchmark_parity import (backend_parity, data_for_checks,
                               int8_for_benchmark)
from .inference_speed import BACKENDS, inference_speed, onnx_file_for
from .measuring import OtherCpuLoad, PeakRSS
from .training_speed import crop_size_of, runner_throughput

#: Synthetic training images written per image of a batch.
IMAGES_PER_BATCH_IMAGE = 4


@dataclass
class BenchmarkSettings:
    """What one benchmark run measures, and on what.

    Attributes:
        hw (tuple[int, int]): Input size of FLOPs and inference timings.
        batch (int): Batch size timed besides 1; the training batch size.
        repeats (int): Timed inference calls per backend and batch size.
        warmup (int): Untimed calls / iterations first.
        onnx_file (str, optional): ONNX export to time; exported to a
            temporary file when None.
        train_iters (int): Timed training iterations; 0 skips training.
        workers (int, optional): DataLoader workers of the Runner run; the
            config's when None.
        data_root (str, optional): Training data; synthetic when None.
        low_precision (bool): Time bf16 (where the CPU offers it) and INT8
            too, and check every backend's parity with eager fp32.
        check_dir (str, optional): Labelled data of the parity check (its
            test split) and of INT8 calibration (its training split);
            synthetic data of the config's format when None.
        check_num (int, optional): Images checked; all when None.
        calib_num (int): Calibration images of a new INT8 model (one
            beside the checkpoint is timed as it is).
    """
    hw: Tuple[int, int] = (512, 512)
    batch: int = 8
    repeats: int = 10
    warmup: int = 2
    onnx_file: Optional[str] = None
    train_iters: int = 20
    workers: Optional[int] = None
    data_root: Optional[str] = None
    low_precision: bool = True
    check_dir: Optional[str] = None
    check_num: Optional[int] = 16
    calib_num: int = 32


def benchmark(cfg: Config, checkpoint: Optional[str],
              settings: BenchmarkSettings) -> dict:
    """Every figure of ``tools/analysis_tools/benchmark.py``.

    Args:
        cfg (Config): The config (``cfg.filename`` is reported).
        checkpoint (str, optional): Weights; random when None.
        settings (BenchmarkSettings): What to measure.

    Returns:
        dict: The results, as written to the tool's JSON.
    """
    s = settings
    with PeakRSS() as load_peak:
        model = init_segmentor(cfg, checkpoint)
    result = dict(
        machine=machine_info(),
        config=cfg.filename,
        checkpoint=checkpoint,
        size=list(s.hw),
        batch=s.batch,
        flops_counts='one multiply-add as one FLOP (mmengine)',
        model_load_peak_rss_mib=load_peak.mib,
        other_cpu_cores={})
    result.update(complexity(model, s.hw))
    result.update(_inference(model, cfg, checkpoint, s))
    result['speedup'] = speedups(result['inference'])
    if s.train_iters > 0:
        with OtherCpuLoad() as other:
            result['training'] = training(cfg, s.batch, s.train_iters,
                                          s.warmup, s.workers, s.data_root)
        result['other_cpu_cores']['training'] = other.cores
    result.update(_peak_memory(result))
    timed = {row['backend'] for row in result['inference']}
    result['backends'] = [name for name in BACKENDS if name in timed]
    return result


def _inference(model: nn.Module, cfg: Config, checkpoint: Optional[str],
               s: BenchmarkSettings) -> dict:
    """Inference speed of every backend, and their parity with eager.

    Returns:
        dict: ``inference``, ``other_cpu_cores`` (of the inference
        timings) and, with low precision, ``low_precision``, ``parity``
        and ``parity_data``.
    """
    out = {}
    with onnx_file_for(model, s.onnx_file, s.hw) as onnx_file, \
            tempfile.TemporaryDirectory() as folder:
        low = None
        if s.low_precision:
            low = _low_precision(model, cfg, checkpoint, s.check_dir, folder,
                                 s.calib_num, s.check_num)
            out['low_precision'] = low['summary']
        with OtherCpuLoad() as other:
            out['inference'] = inference_speed(model, s.hw,
                                               sorted({1, s.batch}), s.repeats,
                                               s.warmup, onnx_file,
                                               torch.get_num_threads(),
                                               bool(low and low['bf16']), low
                                               and low['int8'])
        out['other_cpu_cores'] = dict(inference=other.cores)
        if low:
            out['parity'] = backend_parity(model, cfg, low['data'],
                                           s.check_num, onnx_file, low['bf16'],
                                           low['int8'])
            out['parity_data'] = s.check_dir or 'synthetic data'
    return out


def _low_precision(model: nn.Module, cfg: Config, checkpoint: Optional[str],
                   check_dir: Optional[str], folder: str, calib_num: int,
                   check_num: Optional[int]) -> dict:
    """The data, bf16 offer and INT8 model of the low-precision rows.

    Returns:
        dict: ``data`` (labelled data root), ``bf16`` (offered here),
        ``int8`` (the INT8 file timed) and ``summary`` (for the report).
    """
    data = data_for_checks(cfg, check_dir, folder, calib_num, check_num)
    int8 = int8_for_benchmark(model, checkpoint, data, calib_num, folder)
    bf16_reason = bf16_unavailable()
    return dict(
        data=data,
        bf16=bf16_reason is None,
        int8=int8['file'],
        summary=dict(bf16=bf16_reason or 'offered', int8=int8['source']))


def machine_info() -> Dict[str, object]:
    """The CPU, cores, threads and library versions of this run.

    Returns:
        dict: ``cpu`` (model name from /proc/cpuinfo), ``cpu_flags`` (the
        instruction sets of :data:`~linknet_mm.utils.cpu.SPEED_FLAGS` it
        has), ``cores`` (usable logical CPUs), ``torch_threads``,
        ``load_average`` (1, 5, 15 min, when available), ``python``,
        ``torch`` and ``onnxruntime`` versions.
    """
    info = read_cpuinfo()
    flags = cpu_flags(info)
    cores = len(os.sched_getaffinity(0)) if hasattr(
        os, 'sched_getaffinity') else os.cpu_count()
    load = list(os.getloadavg()) if hasattr(os, 'getloadavg') else None
    return dict(
        cpu=cpu_model(info),
        cpu_flags=speed_flags(flags),
        cores=cores,
        torch_threads=torch.get_num_threads(),
        load_average=load,
        python=platform.python_version(),
        torch=torch.__version__,
        onnxruntime=ort.__version__)


def complexity(segmentor: nn.Module, hw: Tuple[int, int]) -> Dict[str, float]:
    """Parameters and FLOPs at an input size (mmengine's counter).

    mmengine (fvcore's rules) counts one multiply-add as one FLOP, so the
    numbers are half of a count of multiplications plus additions.

    Args:
        segmentor (nn.Module): The segmentor.
        hw (tuple[int, int]): Input height and width.

    Returns:
        dict: ``params`` and ``flops`` (per image).
    """
    logger = MMLogger.get_current_instance()
    level = logger.level
    # its per-operator notes (element-wise ops and BN are not counted)
    logger.setLevel(logging.ERROR)
    try:
        info = get_model_complexity_info(
            copy.deepcopy(segmentor).eval(),
            input_shape=(in_channels_of(segmentor), *hw),
            show_table=False,
            show_arch=False)
    finally:
        logger.setLevel(level)
    return dict(params=float(info['params']), flops=float(info['flops']))


def _peak_memory(result: dict) -> Dict[str, float]:
    """Peak resident memory of the whole run and of its children.

    Args:
        result (dict): The results, with the peaks of each phase.

    Returns:
        dict: ``peak_rss_mib`` and ``children_peak_rss_mib``.
    """
    phases = [row['peak_rss_mib'] for row in result['inference']] + [
        part['peak_rss_mib']
        for part in result.get('training', {}).get('paths', {}).values()
    ]
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return dict(
        peak_rss_mib=max([own] + phases),
        children_peak_rss_mib=resource.getrusage(
            resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def training_paths(cfg: Config) -> List[Tuple[str, Config]]:
    """The ways the Runner can train the config here, named, fp32 first.

    fp32 in PyTorch's default layout, and what ``tools/train.py --amp``
    trains with (bf16 on a CPU with native bfloat16, channels-last where
    ``memory_format='auto'`` picks it; AMP on an accelerator), when
    offered.

    Args:
        cfg (Config): The config (not changed).

    Returns:
        list[tuple[str, Config]]: Path name and its config.
    """
    paths = []
    for name, amp in (('fp32', False), ('amp', True)):
        path_cfg = copy.deepcopy(cfg)
        if amp:
            try:
                enable_amp(path_cfg)
            except ConfigError:  # no native bf16: --amp is refused here
                continue
        paths.append((name, path_cfg))
    return paths


def training(cfg: Config,
             batch: int,
             iters: int,
             warmup: int,
             workers: Optional[int] = None,
             data_root: Optional[str] = None) -> dict:
    """Training throughput through the Runner, per path
    (:func:`training_paths`), on synthetic data if none is given.

    Args:
        cfg (Config): The config.
        batch (int): Batch size.
        iters (int): Timed iterations per path.
        warmup (int): Untimed iterations first (at least 1 is run).
        workers (int, optional): DataLoader workers; the config's when
            None. Defaults to None.
        data_root (str, optional): Training data; synthetic data in a
            temporary folder when None. Defaults to None.

    Returns:
        dict: ``paths`` (name -> :func:`~.training_speed.runner_throughput`
        of that path, in the order run), ``config_path`` (the one the
        config trains with without ``--amp``) and ``size`` (the training
        crop).
    """
    paths = {}
    with tempfile.TemporaryDirectory() as work_dir:
        if data_root is None:
            data_root = osp.join(work_dir, 'data')
            make_synthetic_data(cfg, data_root, batch * IMAGES_PER_BATCH_IMAGE)
        for name, path_cfg in training_paths(cfg):
            paths[name] = runner_throughput(
                path_cfg, data_root, osp.join(work_dir, name.replace(' ', '_')),
                batch, iters, max(warmup, 1), workers)
    return dict(
        paths=paths,
        config_path='fp32',
        size=list(crop_size_of(cfg, (256, 256))))


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
