"""One training run per work dir: a lock file holding the owner's PID."""
import contextlib
import os
import os.path as osp
import socket
from typing import Iterator

from mmengine.logging import print_log

from ...errors import ConfigError

LOCK_NAME = '.train.lock'


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


@contextlib.contextmanager
def work_dir_lock(work_dir: str) -> Iterator[None]:
    """Hold ``<work_dir>/.train.lock`` while a run trains there.

    A lock of a live process refuses the second run, naming the work dir
    and the process; a lock whose process has ended (killed, crashed) is
    taken over with a note. A lock written on another host is respected
    (its process cannot be checked from here): remove the file by hand if
    that run is over.

    Args:
        work_dir (str): The run's work dir (it exists).

    Raises:
        ConfigError: If another run holds the lock.
    """
    path = osp.join(work_dir, LOCK_NAME)
    me = (socket.gethostname(), os.getpid())
    while True:
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            break
        except FileExistsError:
            host, pid = _owner(path)
            if host == me[0] and pid and not _alive(pid):
                print_log(f'{path}: taking over the lock of process {pid}, '
                          'which has ended', 'current')
                os.remove(path)
                continue
            who = f'process {pid} on {host}' if pid else 'unreadable'
            raise ConfigError(
                f'work dir {work_dir} is in use by another training run '
                f'({who}, lock file {path}): two runs '
                'would overwrite each other\'s checkpoints; pass another '
                '--work-dir, or delete the lock file if that run is over')
    with os.fdopen(fd, 'w') as f:
        f.write(f'{me[0]} {me[1]}')
    try:
        yield
    finally:
        if _owner(path) == me:
            os.remove(path)
