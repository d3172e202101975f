"""The parity record beside a checkpoint: which precisions passed where.

``tools/deployment/quantize.py`` writes ``<checkpoint stem>.parity.json``
(:func:`write_parity`), one entry per CPU (model name and speed flags,
:func:`cpu_key`) and checkpoint (its SHA-256); ``--precision auto`` reads
the entries of this CPU and checkpoint (:func:`entries_for`).
"""
import datetime
import json
import os
import os.path as osp
from typing import Dict, FrozenSet, List, Optional

from ..errors import PrecisionError
from ..utils.cpu import cpu_flags, cpu_model, speed_flags
from ..utils.files import file_sha256


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
        results (dict[str, dict]): Of
            :meth:`~.parity.ParityCheck.results`.
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


def entries_for(checkpoint: str, key: dict) -> List[dict]:
    """The parity entries of a checkpoint measured on the CPU of ``key``.

    Args:
        checkpoint (str): The checkpoint (matched by its SHA-256).
        key (dict): Of :func:`cpu_key`.

    Returns:
        list[dict]: Oldest first.
    """
    sha = file_sha256(checkpoint)
    return [
        entry for entry in read_parity(precision_files(checkpoint)['parity'])
        if _same_cpu(entry, key) and entry['checkpoint_sha256'] == sha
    ]


def _same_cpu(entry: dict, key: dict) -> bool:
    """Whether a parity entry was measured on the CPU of ``key``."""
    return (entry.get('cpu_model') == key['cpu_model']
            and entry.get('cpu_flags') == key['cpu_flags'])
