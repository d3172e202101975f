"""``<checkpoint stem>.parity.json``: which precisions passed the parity
check, one entry per CPU (:func:`cpu_key`) and checkpoint (SHA-256)."""
import datetime
import os
import os.path as osp
from typing import Dict, FrozenSet, List, Optional

import mmengine

from ..errors import PrecisionError
from ..utils.cpu import cpu_flags, cpu_model, speed_flags
from ..utils.files import file_sha256


def precision_files(checkpoint: str) -> Dict[str, str]:
    """The INT8 model and the parity file beside a checkpoint: for
    ``x/best.pth``, ``int8`` ``x/best.int8.onnx`` and ``parity``
    ``x/best.parity.json``."""
    stem = osp.splitext(checkpoint)[0]
    return dict(int8=f'{stem}.int8.onnx', parity=f'{stem}.parity.json')


def cpu_key(flags: Optional[FrozenSet[str]] = None,
            model: Optional[str] = None) -> dict:
    """What identifies a CPU in the parity file: ``cpu_model`` (name) and
    ``cpu_flags`` (speed flags); this CPU's where None is given."""
    return dict(
        cpu_model=model or cpu_model(),
        cpu_flags=speed_flags(cpu_flags() if flags is None else flags))


def read_parity(path: str) -> List[dict]:
    """The entries of a parity file, none if it does not exist."""
    if not osp.isfile(path):
        return []
    try:
        entries = mmengine.load(path, file_format='json')['entries']
    except (ValueError, KeyError, TypeError) as error:
        raise PrecisionError(
            f'{path} is not a parity file of tools/deployment/quantize.py '
            f'({error}); delete it and run the check again') from None
    return entries


def write_parity(checkpoint: str, results: Dict[str, dict], check: dict,
                 key: dict) -> str:
    """Record a parity check beside the checkpoint; return the file.

    An earlier entry of the same CPU (``key``, of :func:`cpu_key`) and
    checkpoint is replaced, others kept; the file is replaced whole.

    Args:
        checkpoint (str): The checkpoint checked.
        results (dict[str, dict]): Of :meth:`~.parity.ParityCheck.results`.
        check (dict): What was checked on (folder, images, calibration).
        key (dict): The CPU.
    """
    path = precision_files(checkpoint)['parity']
    sha = file_sha256(checkpoint)
    entries = [e for e in read_parity(path) if not _matches(e, key, sha)]
    entries.append(
        dict(
            key,
            checkpoint_sha256=sha,
            date=datetime.datetime.now().isoformat(timespec='seconds'),
            check=check,
            results=results))
    mmengine.dump(dict(entries=entries), f'{path}.part', 'json', indent=2)
    os.replace(f'{path}.part', path)
    return path


def entries_for(checkpoint: str, key: dict) -> List[dict]:
    """The parity entries, oldest first, of a checkpoint (by SHA-256)
    measured on the CPU of ``key`` (:func:`cpu_key`)."""
    sha = file_sha256(checkpoint)
    path = precision_files(checkpoint)['parity']
    return [e for e in read_parity(path) if _matches(e, key, sha)]


def _matches(entry: dict, key: dict, sha: str) -> bool:
    """Whether an entry is of the checkpoint ``sha`` on the CPU ``key``."""
    return (entry.get('cpu_model') == key['cpu_model']
            and entry.get('cpu_flags') == key['cpu_flags']
            and entry['checkpoint_sha256'] == sha)
