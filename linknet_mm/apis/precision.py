"""Pick a precision per machine: fp32, bfloat16 or INT8, checked first.

A parity check (``tools/deployment/quantize.py``) writes its result beside
the checkpoint, keyed by the CPU's name and flags and the checkpoint's
hash; ``auto`` takes the fastest precision that passed there on this CPU,
and fp32 where none did or the check has not run on this CPU.
"""
import datetime
import hashlib
import json
import logging
import os
import os.path as osp
from typing import Dict, FrozenSet, List, Optional, Tuple

import torch.nn as nn
from mmengine.logging import print_log

from ..errors import PrecisionError
from ..utils.cpu import cpu_flags, cpu_model, speed_flags
from .bf16_segmentor import Bf16Segmentor, bf16_unavailable
from .onnx_segmentor import OnnxSegmentor

#: Precisions a model runs in.
PRECISIONS = ('fp32', 'bf16', 'int8')
#: What ``--precision`` takes.
PRECISION_CHOICES = PRECISIONS + ('auto', )


def precision_files(checkpoint: str) -> Dict[str, str]:
    """Where the INT8 model and the parity results of a checkpoint live.

    Args:
        checkpoint (str): The checkpoint, e.g. ``work_dirs/x/best.pth``.

    Returns:
        dict[str, str]: ``int8`` (``best.int8.onnx``) and ``parity``
        (``best.parity.json``), beside the checkpoint.
    """
    stem = osp.splitext(checkpoint)[0]
    return dict(int8=f'{stem}.int8.onnx', parity=f'{stem}.parity.json')


def file_sha256(path: str) -> str:
    """SHA-256 of a file, hex.

    Args:
        path (str): The file.

    Returns:
        str: Its digest.
    """
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def unavailable(precision: str,
                flags: Optional[FrozenSet[str]] = None) -> Optional[str]:
    """Why a precision is not offered on this CPU, None where it is.

    Args:
        precision (str): One of :data:`PRECISIONS`.
        flags (frozenset[str], optional): CPU flags; this CPU's when None.

    Returns:
        str, optional: The reason.
    """
    if precision not in PRECISIONS:
        raise PrecisionError(f'precision must be one of {PRECISION_CHOICES}, '
                             f'got {precision!r}')
    return bf16_unavailable(flags) if precision == 'bf16' else None


def cpu_key(flags: Optional[FrozenSet[str]] = None,
            model: Optional[str] = None) -> dict:
    """What identifies a CPU in the parity file: model name, speed flags.

    Args:
        flags (frozenset[str], optional): CPU flags; this CPU's when None.
        model (str, optional): CPU model name; this CPU's when None.

    Returns:
        dict: ``cpu_model`` and ``cpu_flags``.
    """
    return dict(
        cpu_model=model or cpu_model(),
        cpu_flags=speed_flags(cpu_flags() if flags is None else flags))


def read_parity(path: str) -> List[dict]:
    """The entries of a parity file, none if it does not exist.

    Args:
        path (str): The file of :func:`precision_files`.

    Returns:
        list[dict]: One entry per CPU and checkpoint checked.
    """
    if not osp.isfile(path):
        return []
    try:
        with open(path) as f:
            entries = json.load(f)['entries']
    except (ValueError, KeyError, TypeError) as error:
        raise PrecisionError(
            f'{path} is not a parity file of tools/deployment/quantize.py '
            f'({error}); delete it and run the check again') from None
    return entries


def write_parity(checkpoint: str, results: Dict[str, dict], check: dict,
                 key: dict) -> str:
    """Record a parity check beside the checkpoint, for this CPU.

    An earlier entry of the same CPU and checkpoint is replaced; others
    are kept. The file is replaced whole, never half-written.

    Args:
        checkpoint (str): The checkpoint checked.
        results (dict[str, dict]): Of :meth:`ParityCheck.results`.
        check (dict): What was checked on (folder, images, calibration).
        key (dict): Of :func:`cpu_key`.

    Returns:
        str: The parity file.
    """
    path = precision_files(checkpoint)['parity']
    sha = file_sha256(checkpoint)
    entries = [
        entry for entry in read_parity(path)
        if not (_same_cpu(entry, key) and entry['checkpoint_sha256'] == sha)
    ]
    entries.append(
        dict(
            key,
            checkpoint_sha256=sha,
            date=datetime.datetime.now().isoformat(timespec='seconds'),
            check=check,
            results=results))
    part = f'{path}.part'
    with open(part, 'w') as f:
        json.dump(dict(entries=entries), f, indent=2)
    os.replace(part, path)
    return path


def _same_cpu(entry: dict, key: dict) -> bool:
    """Whether a parity entry was measured on the CPU of ``key``."""
    return (entry.get('cpu_model') == key['cpu_model']
            and entry.get('cpu_flags') == key['cpu_flags'])


def choose_precision(checkpoint: Optional[str],
                     flags: Optional[FrozenSet[str]] = None,
                     model: Optional[str] = None) -> Tuple[str, str]:
    """The precision ``auto`` runs a checkpoint in on this CPU, and why.

    The fastest (``ms_per_image`` of the check) among fp32 and the
    precisions that passed the parity check on this CPU and are offered
    here; fp32 when the check has not run on this CPU for this
    checkpoint, or nothing else passed.

    Args:
        checkpoint (str, optional): The checkpoint; None (random weights)
            gives fp32.
        flags (frozenset[str], optional): CPU flags; this CPU's when None.
        model (str, optional): CPU model name; this CPU's when None.

    Returns:
        tuple[str, str]: The precision and a sentence saying why.
    """
    if checkpoint is None:
        return 'fp32', 'no checkpoint, so no parity check'
    key = cpu_key(flags, model)
    path = precision_files(checkpoint)['parity']
    sha = file_sha256(checkpoint)
    entries = [
        entry for entry in read_parity(path)
        if _same_cpu(entry, key) and entry['checkpoint_sha256'] == sha
    ]
    if not entries:
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
    if 'int8' in passed and not (
            osp.isfile(int8)
            and file_sha256(int8) == entry['check'].get('int8_sha256')):
        print_log(f'{int8} is missing or not the file that was checked: '
                  'int8 left out', logger='current', level=logging.WARNING)
        del passed['int8']
    if set(passed) == {'fp32'}:
        return 'fp32', 'no other precision passed the parity check'
    best = min(passed, key=passed.get)
    return best, (f'fastest that passed the parity check on this CPU '
                  f'({passed[best]:.1f} ms/image; fp32 '
                  f'{results["fp32"]["ms_per_image"]:.1f})')


def resolve_precision(precision: str,
                      checkpoint: Optional[str],
                      flags: Optional[FrozenSet[str]] = None) -> str:
    """``auto`` chosen, and any precision checked as offered here.

    Args:
        precision (str): One of :data:`PRECISION_CHOICES`.
        checkpoint (str, optional): The checkpoint.
        flags (frozenset[str], optional): CPU flags; this CPU's when None.

    Returns:
        str: One of :data:`PRECISIONS`.
    """
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
        print_log(f'running in {precision}', logger='current',
                  level=logging.INFO)
    return precision


def in_precision(model: nn.Module,
                 checkpoint: Optional[str],
                 precision: str,
                 flags: Optional[FrozenSet[str]] = None) -> nn.Module:
    """The checkpoint's segmentor in a precision (``auto`` resolved).

    Args:
        model (nn.Module): The fp32 segmentor of the checkpoint.
        checkpoint (str, optional): Its file (the INT8 model and the
            parity file sit beside it).
        precision (str): One of :data:`PRECISION_CHOICES`.
        flags (frozenset[str], optional): CPU flags; this CPU's when None.

    Returns:
        nn.Module: ``model`` for fp32, else a
        :class:`~linknet_mm.apis.bf16_segmentor.Bf16Segmentor` or an INT8
        :class:`~linknet_mm.apis.OnnxSegmentor`.
    """
    precision = resolve_precision(precision, checkpoint, flags)
    if precision == 'bf16':
        return Bf16Segmentor(model, flags)
    if precision == 'int8':
        return OnnxSegmentor(
            precision_files(checkpoint)['int8'],
            model.cfg,
            dataset_meta=model.dataset_meta)
    return model
