"""INT8 static quantization of a segmentor with ONNX Runtime."""
import itertools
import os
import os.path as osp
import tempfile
import time
from typing import Iterable, Iterator, List, Optional

import numpy as np
import onnx
import torch.nn as nn
from mmengine.config import Config
from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod,
                                      QuantFormat, QuantType, quantize_static)
from onnxruntime.quantization.shape_inference import quant_pre_process

from ..datasets.labelled_samples import labelled_samples
from ..models.utils import fused_copy
from .export import INPUT_NAME, export_onnx

#: Convolution operators, whose first and last may stay in float.
CONV_OPS = ('Conv', 'ConvTranspose')
#: Calibration methods of :func:`quantize_int8` by name.
CALIBRATION_METHODS = dict(
    minmax=CalibrationMethod.MinMax,
    percentile=CalibrationMethod.Percentile,
    entropy=CalibrationMethod.Entropy)


class ArrayCalibration(CalibrationDataReader):
    """ONNX Runtime's calibration reader over (N, C, H, W) pixel batches
    (:data:`~.logits_model.INPUT_FORMAT`; sizes may differ)."""

    def __init__(self, batches: Iterable[np.ndarray]) -> None:
        self.batches: Iterator[np.ndarray] = iter(batches)
        self.count = 0

    def get_next(self) -> Optional[dict]:
        """The next batch as the graph's feed, None at the end."""
        batch = next(self.batches, None)
        if batch is None:
            return None
        self.count += 1
        return {INPUT_NAME: np.ascontiguousarray(batch, np.float32)}


def end_convolutions(model: onnx.ModelProto) -> List[str]:
    """Names of the graph's first and last convolution nodes.

    The first sees raw pixel statistics, the last gives the logits: keeping
    them in float is the usual safeguard when INT8 costs accuracy. It costs
    speed too (brain-tumour LinkNet-R18: 54 instead of 80 images/s at batch
    1 on a 2-core EPYC, same agreement), so it is not the default.
    """
    convs = [
        node.name for node in model.graph.node if node.op_type in CONV_OPS
    ]
    if not convs:
        raise ValueError('the ONNX graph has no convolution to quantize')
    return sorted({convs[0], convs[-1]}, key=convs.index)


def quantize_int8(fp32_file: str,
                  out_file: str,
                  calibration: Iterable[np.ndarray],
                  keep_float_ends: bool = False,
                  method: str = 'minmax') -> dict:
    """Write an INT8 copy of an fp32 ONNX export, calibrated statically.

    ONNX Runtime's ``quantize_static`` in QDQ format after
    ``quant_pre_process``: weights int8 per output channel (symmetric),
    activations uint8 per tensor (u8s8, the format of x86 VNNI and AMX
    kernels), ranges by ``method`` over the ``calibration`` batches; the
    first and last convolutions in float with ``keep_float_ends``. N, H and
    W stay dynamic; the file appears complete or not at all.

    Returns:
        dict: ``calibration_batches``, ``float_nodes`` and ``seconds``.
    """
    if method not in CALIBRATION_METHODS:
        raise ValueError(f'calibration method must be one of '
                         f'{sorted(CALIBRATION_METHODS)}, got {method!r}')
    start = time.perf_counter()
    batches = iter(calibration)
    first = next(batches, None)
    if first is None:
        raise ValueError('no calibration images: quantize_int8 needs at '
                         'least one batch')
    folder = osp.dirname(osp.abspath(out_file))
    os.makedirs(folder, exist_ok=True)
    reader = ArrayCalibration(itertools.chain([first], batches))
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        prepared = osp.join(tmp, 'prepared.onnx')
        quant_pre_process(fp32_file, prepared, skip_symbolic_shape=True)
        float_nodes = (
            end_convolutions(onnx.load(prepared)) if keep_float_ends else [])
        part = osp.join(tmp, 'int8.onnx')
        quantize_static(
            prepared,
            part,
            reader,
            quant_format=QuantFormat.QDQ,
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            nodes_to_exclude=float_nodes,
            calibrate_method=CALIBRATION_METHODS[method],
            extra_options=dict(WeightSymmetric=True))
        os.replace(part, out_file)
    return dict(
        calibration_batches=reader.count,
        float_nodes=float_nodes,
        seconds=time.perf_counter() - start)


def calibration_batches(cfg: Config, calib_dir: str,
                        num: int) -> Iterator[np.ndarray]:
    """``num`` images of the training split of ``calib_dir`` through the
    test pipeline, (1, C, H, W) float32 each; the split is listed (an empty
    one refused) when this is called, before any export."""
    samples = labelled_samples(cfg, calib_dir, 'train', num)
    return (sample['inputs'][None].float().numpy() for sample in samples)


def make_int8(model: nn.Module,
              out_file: str,
              calib_dir: str,
              calib_num: int = 300,
              keep_float_ends: bool = False,
              method: str = 'minmax',
              fp32_onnx: Optional[str] = None) -> dict:
    """Export the model to ONNX and write its INT8 quantization.

    The export is of a copy with every BatchNorm folded into its
    convolution (:func:`~linknet_mm.models.utils.fused_copy`; ONNX Runtime
    folds Conv+BN but not ConvTranspose+BN).

    Args:
        model (nn.Module): Segmentor with ``cfg`` (eval mode).
        out_file (str): INT8 ONNX file to write.
        calib_dir (str): Calibration data; ``calib_num`` images of its
            training split (:func:`calibration_batches`).
        keep_float_ends, method: As :func:`quantize_int8` takes them.
        fp32_onnx (str, optional): fp32 export to quantize; made when None.

    Returns:
        dict: Of :func:`quantize_int8`, with ``calib_dir`` and ``method``.
    """
    batches = calibration_batches(model.cfg, calib_dir, calib_num)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = fp32_onnx or osp.join(tmp, 'fp32.onnx')
        if fp32_onnx is None:
            export_onnx(fused_copy(model), fp32)
        info = quantize_int8(fp32, out_file, batches, keep_float_ends, method)
    return dict(info, calib_dir=osp.abspath(calib_dir), method=method)
