"""What a training run stopped by a fault says: how far it got, the last
checkpoint saved whole and the command that resumes from it."""
import os.path as osp
import shlex
import sys
from typing import List, Optional

import torch

#: The file mmengine's ``CheckpointHook`` writes after each whole save;
#: ``--resume`` continues from the checkpoint it names.
LAST_CHECKPOINT = 'last_checkpoint'


def last_good_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint ``--resume`` would continue from, if it exists.

    Args:
        work_dir (str): The run's work dir.

    Returns:
        str, optional: The path named by ``<work_dir>/last_checkpoint``;
        None without that file or when the checkpoint it names is gone.
    """
    try:
        with open(osp.join(work_dir, LAST_CHECKPOINT)) as f:
            path = f.read().strip()
    except OSError:
        return None
    return path if osp.isfile(path) else None


def resume_command(argv: Optional[List[str]] = None) -> Optional[str]:
    """The command line of this training run, with ``--resume``.

    Args:
        argv (list[str], optional): The command line. Defaults to
            ``sys.argv``.

    Returns:
        str, optional: ``python tools/train.py ... --resume``, quoted for
        a shell; None when this process is not a ``train.py`` (a runner
        built in Python resumes with ``resume=True``).
    """
    argv = list(sys.argv if argv is None else argv)
    if not argv or osp.basename(argv[0]) != 'train.py':
        return None
    if '--resume' not in argv:
        argv.append('--resume')
    return shlex.join(['python'] + argv)


def resume_hint(work_dir: str, then: str = '') -> str:
    """The last good checkpoint and how to continue from it, in words.

    Args:
        work_dir (str): The run's work dir.
        then (str): What to do before resuming, e.g. ``'free space, then
            '``. Defaults to ''.

    Returns:
        str: E.g. ``'last good checkpoint: w/iter_4.pth; resume with:
        python tools/train.py cfg.py --resume'``.
    """
    last = last_good_checkpoint(work_dir)
    command = resume_command() or 'resume=True in the runner\'s config'
    if last is None:  # --resume without a checkpoint starts from scratch
        return f'no checkpoint saved yet; {then}start again with: {command}'
    return f'last good checkpoint: {last}; {then}resume with: {command}'


def tensor_bytes(obj: object) -> int:
    """Bytes of the tensors in a (nested) state dict.

    Args:
        obj (object): A tensor, or dicts, lists and tuples of them.

    Returns:
        int: Their storage in bytes: about what a checkpoint of them
        takes on disk.
    """
    if isinstance(obj, torch.Tensor):
        return obj.numel() * obj.element_size()
    if isinstance(obj, dict):
        return sum(tensor_bytes(value) for value in obj.values())
    if isinstance(obj, (list, tuple)):
        return sum(tensor_bytes(value) for value in obj)
    return 0


def size_text(size: int) -> str:
    """A size in bytes as people read it: '63.2 MB', '840 kB'.

    Args:
        size (int): Bytes.

    Returns:
        str: In MB from 1 MB (2**20 bytes), else in kB.
    """
    if size >= 2**20:
        return f'{size / 2**20:.1f} MB'
    return f'{size / 2**10:.0f} kB'
