"""Inference speed of a segmentor in each backend, and its peak memory.

Timings are medians over ``repeats`` calls after ``warmup`` calls, one
backend after the other: timed round-robin, ONNX Runtime's threads, which
spin for a while after each run, would take the cores from the PyTorch call
that follows (halving eager's speed at batch 1). Each timing records how
busy other processes kept the machine
(:class:`~.measuring.OtherCpuLoad`).
"""
import os
import tempfile
from contextlib import contextmanager
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np
import onnxruntime as ort
import torch
import torch.nn as nn

from ..deploy.export import export_onnx
from ..deploy.logits_model import LogitsModel, in_channels_of, optimized_module
from ..deploy.onnx_segmentor import onnx_session
from .measuring import OtherCpuLoad, PeakRSS, median_time

#: Inference backends of :func:`inference_speed`, in table order; bf16 and
#: int8 only where given.
BACKENDS = ('eager', 'optimized', 'onnxruntime', 'bf16', 'int8')


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
            rows += [
                _timed_row(backend, call, batch, repeats, warmup)
                for backend, call in calls.items()
            ]
    return rows


def _timed_row(backend: str, call: Callable[[], object], batch: int,
               repeats: int, warmup: int) -> dict:
    """Time one backend's call on a batch: one row of the table.

    Args:
        backend (str): Its name.
        call (Callable): The call on the batch.
        batch (int): Images in the batch.
        repeats (int): Timed calls.
        warmup (int): Untimed calls first.

    Returns:
        dict: See :func:`inference_speed`.
    """
    with PeakRSS() as peak, OtherCpuLoad() as other:
        seconds = median_time(call, repeats, warmup)
    return dict(
        backend=backend,
        batch=batch,
        latency_ms=1000 * seconds,
        images_per_s=batch / seconds,
        peak_rss_mib=peak.mib,
        other_cpu_cores=other.cores)


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
