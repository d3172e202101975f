"""Make the INT8 model of a checkpoint and check every precision on it."""
import logging
import os.path as osp
import tempfile
from typing import Dict, FrozenSet, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.logging import print_log

from ..models.utils import fused_copy
from .bf16_segmentor import Bf16Segmentor
from .export import SegmentorLogits, export_onnx
from .labelled_samples import labelled_samples
from .onnx_segmentor import OnnxSegmentor
from .parity import ParityCheck
from .precision import (cpu_key, file_sha256, precision_files, unavailable,
                        write_parity)
from .quantize import quantize_int8


def calibration_batches(cfg, calib_dir: str, num: int):
    """Training images of a folder through the test pipeline, as arrays.

    Args:
        cfg (Config): The model's config.
        calib_dir (str): Folder in the dataset's layout.
        num (int): Images spread over its training split.

    Yields:
        np.ndarray: (1, C, H, W) float32 pixels.
    """
    for sample in labelled_samples(cfg, calib_dir, 'train', num):
        yield sample['inputs'][None].float().numpy()


def make_int8(model: nn.Module,
              out_file: str,
              calib_dir: str,
              calib_num: int = 300,
              keep_float_ends: bool = False,
              method: str = 'minmax',
              fp32_onnx: Optional[str] = None) -> dict:
    """Export the model to ONNX and write its INT8 quantization.

    The export is of a copy with every BatchNorm folded into its
    convolution (:func:`~linknet_mm.models.utils.fused_copy`; ONNX
    Runtime folds Conv+BN itself but not ConvTranspose+BN), so each
    convolution is quantized with its norm.

    Args:
        model (nn.Module): Segmentor with ``cfg`` (eval mode).
        out_file (str): INT8 ONNX file to write.
        calib_dir (str): Calibration data (training split of this folder).
        calib_num (int): Calibration images. Defaults to 300.
        keep_float_ends (bool): See
            :func:`~linknet_mm.apis.quantize_int8`. Defaults to False.
        method (str): Calibration method. Defaults to 'minmax'.
        fp32_onnx (str, optional): The model's fp32 ONNX export to
            quantize; exported here when None. Defaults to None.

    Returns:
        dict: What :func:`~linknet_mm.apis.quantize_int8` returns, with
        ``calib_dir``.
    """
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = fp32_onnx or osp.join(tmp, 'fp32.onnx')
        if fp32_onnx is None:
            export_onnx(fused_copy(model), fp32)
        info = quantize_int8(fp32, out_file,
                             calibration_batches(model.cfg, calib_dir,
                                                 calib_num),
                             keep_float_ends, method)
    return dict(info, calib_dir=osp.abspath(calib_dir), method=method)


def check_precisions(model: nn.Module,
                     checkpoint: str,
                     check_dir: str,
                     calib_dir: Optional[str] = None,
                     calib_num: int = 300,
                     check_num: Optional[int] = None,
                     precisions: Sequence[str] = ('bf16', 'int8'),
                     keep_float_ends: bool = False,
                     method: str = 'minmax',
                     flags: Optional[FrozenSet[str]] = None,
                     fp32_onnx: Optional[str] = None
                     ) -> Tuple[Dict[str, dict], Dict[str, str], str]:
    """Check precisions against fp32 and record the result for ``auto``.

    INT8 is (re)made from the checkpoint when ``calib_dir`` is given, else
    the INT8 file beside the checkpoint is checked. A precision this CPU
    does not offer is skipped with its reason.

    Args:
        model (nn.Module): The checkpoint's segmentor (fp32, eval mode).
        checkpoint (str): Its file; the INT8 model and the parity file go
            beside it (:func:`~linknet_mm.apis.precision.precision_files`).
        check_dir (str): Labelled images in the dataset's layout; its test
            split is checked.
        calib_dir (str, optional): Calibration data for INT8.
        calib_num (int): Calibration images. Defaults to 300.
        check_num (int, optional): Images checked; all when None.
        precisions (Sequence[str]): Checked besides fp32. Defaults to
            ('bf16', 'int8').
        keep_float_ends (bool): Of the INT8 model. Defaults to False.
        method (str): Calibration method. Defaults to 'minmax'.
        flags (frozenset[str], optional): CPU flags; this CPU's when None.
        fp32_onnx (str, optional): The checkpoint's fp32 ONNX export to
            quantize; exported here when None.

    Returns:
        tuple: Results per precision (of
        :meth:`~linknet_mm.apis.parity.ParityCheck.results`), the reasons
        of skipped precisions, and the parity file written.
    """
    files = precision_files(checkpoint)
    check = dict(check_dir=osp.abspath(check_dir))
    candidates, skipped = {}, {}
    for precision in precisions:
        reason = unavailable(precision, flags)
        if reason:
            skipped[precision] = reason
            print_log(f'{precision} skipped: {reason}', logger='current',
                      level=logging.WARNING)
        elif precision == 'bf16':
            candidates['bf16'] = Bf16Segmentor(model, flags).logits
        elif precision == 'int8':
            if calib_dir is not None:
                check['int8'] = make_int8(model, files['int8'], calib_dir,
                                          calib_num, keep_float_ends, method,
                                          fp32_onnx)
            elif not osp.isfile(files['int8']):
                raise FileNotFoundError(
                    f'no INT8 model {files["int8"]}: give --calib-dir to '
                    'make it')
            check['int8_sha256'] = file_sha256(files['int8'])
            candidates['int8'] = OnnxSegmentor(
                files['int8'], model.cfg,
                dataset_meta=model.dataset_meta).logits
    reference = SegmentorLogits(model).eval()
    head = model.decode_head
    parity = ParityCheck(
        reference,
        candidates,
        num_classes=head.num_classes,
        class_names=model.dataset_meta['classes'],
        align_corners=head.align_corners,
        threshold=getattr(head, 'threshold', None) or 0.3)
    with torch.no_grad():
        results = parity.run(
            labelled_samples(model.cfg, check_dir, 'test', check_num))
    check['images'] = parity.images
    path = write_parity(checkpoint, results, check, cpu_key(flags))
    return results, skipped, path
