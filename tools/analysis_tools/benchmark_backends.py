"""The backends ``benchmark.py`` times, and their parity with eager fp32.

Each computes logits at the input size from raw pixels
(:class:`~linknet_mm.deploy.LogitsModel`): ``eager`` (``torch.no_grad``),
``optimized`` (BN folded, channels-last, ``torch.inference_mode``),
``onnxruntime`` (the fp32 export), ``bf16`` (where the CPU computes it
natively) and ``int8`` (ONNX Runtime); the same calls are timed and checked.
"""
import os.path as osp
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.config import Config
from runner_speed import (OtherCpuLoad, PeakRSS, make_synthetic_data,
                          median_seconds)
from torch import Tensor

from linknet_mm.datasets.labelled_samples import labelled_samples
from linknet_mm.deploy import (Bf16Segmentor, LogitsModel, OnnxSegmentor,
                               ParityCheck, make_int8)
from linknet_mm.deploy.bf16_segmentor import bf16_unavailable
from linknet_mm.deploy.logits_model import optimized_module
from linknet_mm.deploy.parity_record import precision_files

LogitsFn = Callable[[Tensor], Tensor]


def check_data(cfg: Config, check_dir: Optional[str], folder: str,
               calib_num: int, check_num: Optional[int]) -> str:
    """``check_dir``, or synthetic data of the config's format (``calib_num``
    training and ``check_num`` or 16 test images) written to ``folder``."""
    if check_dir is not None:
        return check_dir
    root = osp.join(folder, 'check_data')
    make_synthetic_data(
        cfg, root, calib_num, check_num or 16,
        instead='give labelled data for the bf16/INT8 rows with '
        '--check-dir, or leave them out with --no-low-precision')
    return root


def low_precision(model: nn.Module, cfg: Config, checkpoint: Optional[str],
                  check_dir: Optional[str], folder: str, calib_num: int,
                  check_num: Optional[int]) -> dict:
    """The labelled data (:func:`check_data`), bf16 offer and INT8 model of
    the low-precision rows: the INT8 file checked beside the checkpoint,
    else one quantized here on ``calib_num`` images of the data.

    Returns:
        dict: ``data`` (root), ``bf16`` (offered), ``int8`` (file) and
        ``summary`` (what bf16 and INT8 are, for the report).
    """
    data = check_data(cfg, check_dir, folder, calib_num, check_num)
    int8 = precision_files(checkpoint)['int8'] if checkpoint else ''
    source = f'{int8} (checked file)'
    if not osp.isfile(int8):
        int8 = osp.join(folder, 'model.int8.onnx')
        info = make_int8(model, int8, data, calib_num)
        source = (f'quantized here on {info["calibration_batches"]} images '
                  f'of {data}')
    reason = bf16_unavailable()
    return dict(data=data, bf16=reason is None, int8=int8,
                summary=dict(bf16=reason or 'offered', int8=source))


def backends(model: nn.Module, cfg: Config, onnx_file: str,
             low: Optional[dict]) -> Dict[str, LogitsFn]:
    """The logits call of each backend, in table order."""
    eager, optimized = LogitsModel(model).eval(), optimized_module(model)

    def run_eager(x: Tensor) -> Tensor:
        with torch.no_grad():
            return eager(x)

    def run_optimized(x: Tensor) -> Tensor:
        with torch.inference_mode():
            return optimized(x.contiguous(memory_format=torch.channels_last))

    def onnx(path: str) -> LogitsFn:
        return OnnxSegmentor(path, cfg, num_threads=torch.get_num_threads(),
                             dataset_meta=model.dataset_meta).logits

    calls = dict(eager=run_eager, optimized=run_optimized,
                 onnxruntime=onnx(onnx_file))
    if low and low['bf16']:
        calls['bf16'] = Bf16Segmentor(model).logits
    if low:
        calls['int8'] = onnx(low['int8'])
    return calls


def time_backends(calls: Dict[str, LogitsFn], channels: int,
                  hw: Tuple[int, int], batches: Sequence[int], repeats: int,
                  warmup: int) -> List[dict]:
    """Time each backend on one random batch per size, one after the other
    (round-robin, ONNX Runtime's threads, spinning after each run, would
    slow the PyTorch call that follows).

    Returns:
        list[dict]: Per batch size and backend: ``backend``, ``batch``,
        ``latency_ms`` (median), ``images_per_s``, ``x_eager``, and while
        timing it ``peak_rss_mib`` and ``other_cpu_cores``.
    """
    rows = []
    for batch in batches:
        x = torch.rand(batch, channels, *hw,
                       generator=torch.Generator().manual_seed(batch)) * 255
        for name, call in calls.items():
            with PeakRSS() as peak, OtherCpuLoad() as other:
                seconds = median_seconds(lambda: call(x), repeats, warmup)
            eager = seconds if name == 'eager' else eager
            rows.append(dict(backend=name, batch=batch,
                             latency_ms=1000 * seconds,
                             images_per_s=batch / seconds,
                             x_eager=eager / seconds, peak_rss_mib=peak.mib,
                             other_cpu_cores=other.cores))
    return rows


def parity(model: nn.Module, cfg: Config, calls: Dict[str, LogitsFn],
           data_root: str, check_num: Optional[int]) -> Dict[str, dict]:
    """Every backend's :meth:`~linknet_mm.deploy.ParityCheck.results`
    against eager fp32 (``fp32``) on the data's test images."""
    head = model.decode_head
    check = ParityCheck(
        LogitsModel(model).eval(),
        {name: call for name, call in calls.items() if name != 'eager'},
        head.num_classes,
        model.dataset_meta['classes'],
        align_corners=head.align_corners,
        threshold=getattr(head, 'threshold', None) or 0.3)
    with torch.no_grad():
        return check.run(labelled_samples(cfg, data_root, 'test', check_num))
