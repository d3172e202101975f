"""Measure a segmentor: size, FLOPs, inference speed and peak memory.

Timings are medians over ``repeats`` calls after ``warmup`` calls, one
backend after the other: timed round-robin, ONNX Runtime's threads, which
spin for a while after each run, would take the cores from the PyTorch call
that follows (halving eager's speed at batch 1). Each timing records how
busy other processes kept the machine (:class:`OtherCpuLoad`).
"""
import copy
import logging
import os
import platform
import resource
import tempfile
import time
from contextlib import contextmanager
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np
import onnxruntime as ort
import torch
import torch.nn as nn
from mmengine.analysis import get_model_complexity_info
from mmengine.logging import MMLogger

from ..deploy.export import export_onnx
from ..deploy.logits_model import (LogitsModel, in_channels_of,
                           optimized_module)
from ..deploy.onnx_segmentor import onnx_session
from ..utils.cpu import cpu_flags, cpu_model, read_cpuinfo, speed_flags
from .timing import median_time

#: Inference backends of :func:`inference_speed`, in table order; bf16 and
#: int8 only where given.
BACKENDS = ('eager', 'optimized', 'onnxruntime', 'bf16', 'int8')


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


class PeakRSS:
    """Peak resident memory of this process over a block, in MiB.

    On Linux the peak (``VmHWM``) is reset at the start of the block by
    writing 5 to ``/proc/self/clear_refs``, so each block reports its own
    peak. Elsewhere, or if the reset is refused, ``resource.getrusage``'s
    lifetime maximum is reported and ``per_block`` is False. Memory of
    child processes (DataLoader workers) is not included.

    Examples:
        >>> with PeakRSS() as peak:
        ...     run()
        >>> peak.mib
    """

    def __init__(self) -> None:
        self.mib = 0.0
        self.per_block = False

    def __enter__(self) -> 'PeakRSS':
        try:
            with open('/proc/self/clear_refs', 'w') as f:
                f.write('5')
            self.per_block = True
        except OSError:
            self.per_block = False
        return self

    def __exit__(self, *exc_info) -> None:
        self.mib = self.current_peak() if self.per_block else \
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    @staticmethod
    def current_peak() -> float:
        """``VmHWM`` of /proc/self/status in MiB."""
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) / 1024
        raise OSError('/proc/self/status has no VmHWM line')


class OtherCpuLoad:
    """CPU cores other processes kept busy over a block, on average.

    The machine's busy time (``/proc/stat``) minus this process's and its
    reaped children's (``os.times``), divided by the wall time. Around 0 on
    an otherwise idle machine; timings taken while it is well above 0 are
    slowed by the competition (PyTorch's intra-op threads suffer most: a
    thread that loses its core stalls every parallel operator). ``cores``
    is None where ``/proc/stat`` does not exist.

    Examples:
        >>> with OtherCpuLoad() as other:
        ...     run()
        >>> other.cores
    """

    def __init__(self) -> None:
        self.cores: Optional[float] = None
        self._start: Optional[Tuple[float, float, float]] = None

    @staticmethod
    def _sample() -> Optional[Tuple[float, float, float]]:
        """(wall s, machine busy s, own CPU s), None without /proc/stat."""
        if not os.path.exists('/proc/stat'):
            return None
        with open('/proc/stat') as f:
            fields = [float(v) for v in f.readline().split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        ticks = os.sysconf('SC_CLK_TCK')
        own = os.times()
        return (time.monotonic(), (sum(fields[:8]) - idle) / ticks, own.user +
                own.system + own.children_user + own.children_system)

    def __enter__(self) -> 'OtherCpuLoad':
        self._start = self._sample()
        return self

    def __exit__(self, *exc_info) -> None:
        end = self._sample()
        if self._start is None or end is None:
            return
        wall = end[0] - self._start[0]
        others = (end[1] - self._start[1]) - (end[2] - self._start[2])
        self.cores = max(others, 0.0) / max(wall, 1e-9)


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


@contextmanager
def onnx_file_for(segmentor: nn.Module, onnx_file: Optional[str],
                  hw: Tuple[int, int]) -> Iterator[str]:
    """The given ONNX file, or a temporary export of the segmentor.

    Args:
        segmentor (nn.Module): The segmentor.
        onnx_file (str, optional): An existing export to use.
        hw (tuple[int, int]): Example size for a new export.

    Yields:
        str: Path of the ONNX file.
    """
    if onnx_file is not None:
        yield onnx_file
        return
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, 'model.onnx')
        export_onnx(segmentor, path, example_hw=hw)
        yield path


def inference_speed(segmentor: nn.Module,
                    hw: Tuple[int, int],
                    batch_sizes: Sequence[int] = (1, 8),
                    repeats: int = 10,
                    warmup: int = 2,
                    onnx_file: Optional[str] = None,
                    threads: Optional[int] = None,
                    bf16: bool = False,
                    int8_file: Optional[str] = None) -> List[dict]:
    """Latency and throughput of eager, optimised, ORT and low precision.

    All compute the same function (raw pixels in, logits at the input size
    out, :class:`~linknet_mm.deploy.LogitsModel`):

    - ``eager``: the segmentor in eval mode under ``torch.no_grad``;
    - ``optimized``: :func:`optimized_module` under
      ``torch.inference_mode`` with channels-last inputs;
    - ``onnxruntime``: the ONNX export (``onnx_file``, else exported here)
      in an ORT CPU session with all graph optimisations;
    - ``bf16`` (if asked): the optimised module under bfloat16 autocast
      (:class:`~linknet_mm.deploy.Bf16Segmentor`);
    - ``int8`` (if given): an INT8 ONNX file in ONNX Runtime.

    Args:
        segmentor (nn.Module): The segmentor in eval mode.
        hw (tuple[int, int]): Input height and width.
        batch_sizes (Sequence[int]): Batch sizes to time. Defaults to
            (1, 8).
        repeats (int): Timed calls per backend and batch size. Defaults
            to 10.
        warmup (int): Untimed calls first. Defaults to 2.
        onnx_file (str, optional): ONNX export of this segmentor to use.
            Defaults to None.
        threads (int, optional): ONNX Runtime intra-op threads; None for
            ORT's default. Defaults to None.
        bf16 (bool): Time the bfloat16 path too. Defaults to False.
        int8_file (str, optional): INT8 model to time. Defaults to None.

    Returns:
        list[dict]: Per batch size and backend: ``backend``, ``batch``,
        ``latency_ms`` (median per batch), ``images_per_s``,
        ``peak_rss_mib`` (peak while timing it) and ``other_cpu_cores``
        (see :class:`OtherCpuLoad`).
    """
    eager = LogitsModel(segmentor).eval()
    optimized = optimized_module(segmentor)
    channels = in_channels_of(segmentor)
    rows = []
    with onnx_file_for(segmentor, onnx_file, hw) as path:
        sessions = dict(onnxruntime=onnx_session(path, num_threads=threads))
        if int8_file is not None:
            sessions['int8'] = onnx_session(int8_file, num_threads=threads)
        for batch in batch_sizes:
            generator = torch.Generator().manual_seed(batch)
            x = torch.rand(batch, channels, *hw, generator=generator) * 255
            calls = _backend_calls(eager, optimized, sessions, x, bf16)
            for backend in calls:
                with PeakRSS() as peak, OtherCpuLoad() as other:
                    seconds = median_time(calls[backend], repeats, warmup)
                rows.append(
                    dict(
                        backend=backend,
                        batch=batch,
                        latency_ms=1000 * seconds,
                        images_per_s=batch / seconds,
                        peak_rss_mib=peak.mib,
                        other_cpu_cores=other.cores))
    return rows


def _backend_calls(eager: nn.Module, optimized: nn.Module,
                   sessions: Dict[str, ort.InferenceSession], x: torch.Tensor,
                   bf16: bool) -> Dict[str, Callable[[], object]]:
    """One call per backend on the same input, each in its best form.

    Args:
        eager (nn.Module): :class:`LogitsModel` of the segmentor.
        optimized (nn.Module): :func:`optimized_module` of it.
        sessions (dict[str, ort.InferenceSession]): ``onnxruntime`` (the
            ONNX export) and, if timed, ``int8``.
        x (torch.Tensor): The input batch.
        bf16 (bool): Add the bfloat16 call.

    Returns:
        dict: ``{backend: call without arguments}``, in
        :data:`BACKENDS` order.
    """
    x_last = x.contiguous(memory_format=torch.channels_last)
    x_numpy = np.ascontiguousarray(x.numpy())

    def run_eager() -> None:
        with torch.no_grad():
            eager(x)

    def run_optimized() -> None:
        with torch.inference_mode():
            optimized(x_last)

    def run_bf16() -> None:
        with torch.inference_mode(), torch.autocast('cpu', torch.bfloat16):
            optimized(x_last)

    def session_call(session: ort.InferenceSession) -> Callable[[], object]:
        name = session.get_inputs()[0].name
        return lambda: session.run(None, {name: x_numpy})

    calls = dict(eager=run_eager, optimized=run_optimized)
    calls['onnxruntime'] = session_call(sessions['onnxruntime'])
    if bf16:
        calls['bf16'] = run_bf16
    if 'int8' in sessions:
        calls['int8'] = session_call(sessions['int8'])
    return calls
