"""One training run per work dir: a lock file holding the owner's PID."""
import contextlib
import os
import os.path as osp
import socket
from typing import Iterator, Optional

from mmengine.logging import print_log

from ...errors import WorkDirInUseError

LOCK_NAME = '.train.lock'
#: Where each launcher tells a process its global rank, before the process
#: group exists (what :func:`mmengine.dist.init_dist` reads).
RANK_VARIABLES = dict(
    pytorch='RANK', slurm='SLURM_PROCID', mpi='OMPI_COMM_WORLD_RANK')


def _alive(pid: int) -> bool:
    """Whether a process of this machine with ``pid`` runs."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    return True


def _owner(path: str) -> tuple:
    """(host, pid) written in a lock file; (None, None) if unreadable."""
    try:
        with open(path) as f:
            host, pid = f.read().split()
        return host, int(pid)
    except (OSError, ValueError):
        return None, None


def _me() -> tuple:
    """(host, pid) of this process, as a lock file holds them."""
    return socket.gethostname(), os.getpid()


def _ended(owner: tuple) -> bool:
    """Whether the lock's process ran on this host and has ended."""
    host, pid = owner
    return host == _me()[0] and bool(pid) and not _alive(pid)


def lock_holder(work_dir: str) -> Optional[str]:
    """Who else trains in ``work_dir``, if anyone; nothing is written.

    Args:
        work_dir (str): A work dir (it need not exist).

    Returns:
        str, optional: ``'process PID on HOST'`` (or ``'unreadable'``) of a
        live run other than this process that holds the lock; None when the
        lock is free, this process's own, or left by an ended process.
    """
    path = osp.join(work_dir, LOCK_NAME)
    if not osp.exists(path):
        return None
    owner = _owner(path)
    if owner == _me() or _ended(owner):
        return None
    host, pid = owner
    return f'process {pid} on {host}' if pid else 'unreadable'


def _refusal(work_dir: str, who: str) -> WorkDirInUseError:
    """The error of a second run in ``work_dir``."""
    path = osp.join(work_dir, LOCK_NAME)
    return WorkDirInUseError(
        f'work dir {work_dir} is in use by another training run '
        f'({who}, lock file {path}): two runs '
        'would overwrite each other\'s checkpoints; pass another '
        '--work-dir, or delete the lock file if that run is over')


@contextlib.contextmanager
def work_dir_lock(work_dir: str) -> Iterator[None]:
    """Hold ``<work_dir>/.train.lock`` while a run trains there.

    A lock of a live process refuses the second run, naming the work dir
    and the process; a lock whose process has ended (killed, crashed) is
    taken over with a note. A lock written on another host is respected
    (its process cannot be checked from here): remove the file by hand if
    that run is over. A lock this process already holds (taken by
    ``tools/train.py`` before the runner was built) is kept as it is and
    left to its first holder to release.

    Args:
        work_dir (str): The run's work dir (it exists).

    Raises:
        WorkDirInUseError: If another run holds the lock.
    """
    path, me = osp.join(work_dir, LOCK_NAME), _me()
    owner = _owner(path)
    if owner == me:
        yield  # re-entered: the outer holder releases it
        return
    if osp.exists(path):
        if not _ended(owner):
            raise _refusal(work_dir, lock_holder(work_dir) or 'unreadable')
        print_log(
            f'{path}: taking over the lock of process {owner[1]}, '
            'which has ended', 'current')
        os.remove(path)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:  # another run took it just now
        raise _refusal(work_dir, lock_holder(work_dir)
                       or 'unreadable') from None
    with os.fdopen(fd, 'w') as f:
        f.write(f'{me[0]} {me[1]}')
    try:
        yield
    finally:
        if _owner(path) == me:
            os.remove(path)


@contextlib.contextmanager
def training_lock(work_dir: str, launcher: str = 'none') -> Iterator[None]:
    """The work dir's lock, taken before a runner is built.

    mmengine's :class:`~mmengine.runner.Runner` writes into its work dir
    while it is built (the config, a timestamped log folder), so a run
    refused later, in ``train()``, would already have written over the
    running one's config. ``tools/train.py`` builds and trains inside this
    context: a refused run writes nothing. Only the launch's rank 0 (read
    from the launcher's environment: the process group does not exist yet)
    takes the lock; the work dir is created if missing.

    Args:
        work_dir (str): The run's work dir.
        launcher (str): ``--launcher``: 'none', 'pytorch', 'slurm' or
            'mpi'. Defaults to 'none'.

    Raises:
        WorkDirInUseError: If another run holds the lock.
    """
    variable = RANK_VARIABLES.get(launcher)
    if variable and int(os.environ.get(variable, '0')) != 0:
        yield
        return
    who = lock_holder(work_dir)
    if who is not None:  # refused before anything is created
        raise _refusal(work_dir, who)
    os.makedirs(work_dir, exist_ok=True)
    with work_dir_lock(work_dir):
        yield
