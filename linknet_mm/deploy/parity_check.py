"""Run the parity check of a checkpoint's precisions and record it."""
import logging
import os.path as osp
from typing import Dict, FrozenSet, Optional, Sequence, Tuple

import torch.nn as nn
from mmengine.logging import print_log

from ..datasets.labelled_samples import labelled_samples
from ..utils.files import file_sha256
from .bf16_segmentor import Bf16Segmentor
from .logits_model import LogitsModel
from .onnx_segmentor import OnnxSegmentor
from .parity import LogitsFn, ParityCheck
from .parity_record import cpu_key, precision_files, write_parity
from .precision import unavailable
from .quantize import make_int8


def check_parity(
    model: nn.Module,
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

    INT8 is (re)made from the checkpoint with ``calib_dir`` (options: see
    :func:`~.quantize.make_int8`), else the INT8 file beside it is checked;
    a precision this CPU (``flags``) does not offer is skipped.

    Args:
        model (nn.Module): The checkpoint's segmentor (fp32, eval mode).
        checkpoint (str): Its file; the INT8 model and the record go beside.
        check_dir (str): Labelled images in the dataset's layout; its test
            split (``check_num`` images, all when None) is checked.

    Returns:
        tuple: The results (of :meth:`~.parity.ParityCheck.results`), the
        reasons of skipped precisions, and the parity file written.
    """
    check = dict(check_dir=osp.abspath(check_dir))
    # both splits are listed before any export: an empty one stops here
    samples = labelled_samples(model.cfg, check_dir, 'test', check_num)
    if calib_dir is not None and 'int8' in precisions:
        labelled_samples(model.cfg, calib_dir, 'train', 1)
    candidates, skipped = {}, {}
    for precision in precisions:
        reason = unavailable(precision, flags)
        if reason:
            print_log(f'{precision} skipped: {reason}', 'current',
                      logging.WARNING)
            skipped[precision] = reason
        elif precision == 'bf16':
            candidates['bf16'] = Bf16Segmentor(model, flags).logits
        else:
            candidates['int8'], made = _int8_model(
                model, checkpoint, calib_dir,
                dict(calib_num=calib_num, keep_float_ends=keep_float_ends,
                     method=method, fp32_onnx=fp32_onnx))
            check.update(made)
    head = model.decode_head
    parity = ParityCheck(
        LogitsModel(model).eval(), candidates,
        num_classes=head.num_classes,
        class_names=model.dataset_meta['classes'],
        align_corners=head.align_corners,
        threshold=getattr(head, 'threshold', None) or 0.3)
    results = parity.run(samples)
    check['images'] = parity.images
    return results, skipped, write_parity(checkpoint, results, check,
                                          cpu_key(flags))


def _int8_model(model: nn.Module, checkpoint: str, calib_dir: Optional[str],
                options: dict) -> Tuple[LogitsFn, dict]:
    """The INT8 model beside the checkpoint (made first with ``calib_dir``),
    and what the record keeps of it (``int8``, ``int8_sha256``)."""
    int8 = precision_files(checkpoint)['int8']
    made = {}
    if calib_dir is not None:
        made['int8'] = make_int8(model, int8, calib_dir, **options)
    elif not osp.isfile(int8):
        raise FileNotFoundError(
            f'no INT8 model {int8}: give --calib-dir to make it')
    made['int8_sha256'] = file_sha256(int8)
    runtime = OnnxSegmentor(int8, model.cfg, dataset_meta=model.dataset_meta)
    return runtime.logits, made
