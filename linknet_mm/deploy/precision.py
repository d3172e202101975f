"""fp32, bfloat16 or INT8 per machine: ``auto`` takes the fastest that
passed the parity check recorded beside the checkpoint for this CPU
(:mod:`.parity_record`), else fp32."""
import logging
import os.path as osp
from typing import FrozenSet, Optional, Tuple

import torch.nn as nn
from mmengine.logging import print_log

from ..errors import PrecisionError
from ..utils.files import file_sha256
from .bf16_segmentor import Bf16Segmentor, bf16_unavailable
from .onnx_segmentor import OnnxSegmentor
from .parity_record import cpu_key, entries_for, precision_files

#: Precisions a model runs in.
PRECISIONS = ('fp32', 'bf16', 'int8')
#: What ``--precision`` takes.
PRECISION_CHOICES = PRECISIONS + ('auto', )


def unavailable(precision: str,
                flags: Optional[FrozenSet[str]] = None) -> Optional[str]:
    """Why a precision is not offered on the CPU of ``flags``, or None."""
    if precision not in PRECISIONS:
        raise PrecisionError(f'precision must be one of {PRECISION_CHOICES}, '
                             f'got {precision!r}')
    return bf16_unavailable(flags) if precision == 'bf16' else None


def choose_precision(checkpoint: Optional[str],
                     flags: Optional[FrozenSet[str]] = None,
                     model: Optional[str] = None) -> Tuple[str, str]:
    """The precision ``auto`` runs a checkpoint in on this CPU, and why.

    The fastest (``ms_per_image``) of fp32 and the precisions that passed
    the parity check of this checkpoint on this CPU (``flags`` and
    ``model`` name; this one's when None); fp32 without a checkpoint or a
    check. The reason names each refused precision by its verdict line.

    Returns:
        tuple[str, str]: The precision and a sentence saying why.
    """
    if checkpoint is None:
        return 'fp32', 'no checkpoint, so no parity check'
    entries = entries_for(checkpoint, cpu_key(flags, model))
    if not entries:
        path = precision_files(checkpoint)['parity']
        return 'fp32', (
            f'no parity check of this checkpoint on this CPU in {path}; '
            'run tools/deployment/quantize.py to offer bf16 and int8')
    entry = entries[-1]
    results = entry['results']
    passed = {
        name: row['ms_per_image']
        for name, row in results.items()
        if row['ok'] and name in PRECISIONS and not unavailable(name, flags)
    }
    int8 = precision_files(checkpoint)['int8']
    if 'int8' in passed and not (osp.isfile(int8) and file_sha256(int8)
                                 == entry['check'].get('int8_sha256')):
        print_log(
            f'{int8} is missing or not the file that was checked: '
            'int8 left out',
            logger='current',
            level=logging.WARNING)
        del passed['int8']
    refused = ''.join(f'; {row["verdict"]}' for row in results.values()
                      if not row['ok'] and 'verdict' in row)
    if set(passed) == {'fp32'}:
        return 'fp32', f'no other precision passed the parity check{refused}'
    best = min(passed, key=passed.get)
    return best, (f'fastest that passed the parity check on this CPU '
                  f'({passed[best]:.1f} ms/image; fp32 '
                  f'{results["fp32"]["ms_per_image"]:.1f}){refused}')


def resolve_precision(precision: str,
                      checkpoint: Optional[str],
                      flags: Optional[FrozenSet[str]] = None) -> str:
    """One of :data:`PRECISIONS`: ``auto`` chosen, any other checked as
    offered here (and for int8, its file beside the checkpoint)."""
    if precision == 'auto':
        precision, why = choose_precision(checkpoint, flags)
        print_log(f'--precision auto: {precision} ({why})', logger='current')
        return precision
    reason = unavailable(precision, flags)
    if reason:
        raise PrecisionError(reason)
    if precision == 'int8':
        if checkpoint is None:
            raise PrecisionError('int8 needs a checkpoint: its INT8 model '
                                 'is made from it by '
                                 'tools/deployment/quantize.py')
        int8 = precision_files(checkpoint)['int8']
        if not osp.isfile(int8):
            raise PrecisionError(
                f'no INT8 model {int8} beside the checkpoint: make it with '
                f'tools/deployment/quantize.py CONFIG {checkpoint} '
                '--calib-dir DATA --check-dir DATA')
    if precision != 'fp32':
        print_log(
            f'running in {precision}', logger='current', level=logging.INFO)
    return precision


def in_precision(model: nn.Module,
                 checkpoint: Optional[str],
                 precision: str,
                 flags: Optional[FrozenSet[str]] = None) -> nn.Module:
    """The checkpoint's fp32 ``model`` in a precision (of
    :data:`PRECISION_CHOICES`): itself, a
    :class:`~.bf16_segmentor.Bf16Segmentor` or the INT8
    :class:`~.onnx_segmentor.OnnxSegmentor` beside the checkpoint."""
    precision = resolve_precision(precision, checkpoint, flags)
    if precision == 'bf16':
        return Bf16Segmentor(model, flags)
    if precision == 'int8':
        return OnnxSegmentor(
            precision_files(checkpoint)['int8'],
            model.cfg,
            dataset_meta=model.dataset_meta)
    return model
