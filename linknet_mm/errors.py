"""The errors linknet_mm reports to its users, under one base class.

Each names the file or setting at fault and what was expected, in one
line. The tools catch :class:`LinkNetError` and print ``error: <message>``
without a traceback; each subclass also derives from the built-in error a
caller would catch without knowing linknet_mm (``ValueError``,
``FileNotFoundError``).
"""
from typing import Sequence

#: How many names an error message lists before it says "and N more".
MAX_LISTED = 10


class LinkNetError(Exception):
    """Base of every error linknet_mm reports to users."""


class ConfigError(LinkNetError, ValueError):
    """A config file or a ``--cfg-options`` key the tools cannot use."""


class DatasetNotFoundError(LinkNetError, FileNotFoundError):
    """A dataset folder is missing or empty.

    The message says which path was looked at, where to download the
    dataset and where to put it.
    """


class CheckpointMismatchError(LinkNetError, ValueError):
    """A checkpoint that cannot be read or does not fit the model."""


class ImageReadError(LinkNetError, ValueError):
    """An image file that exists but cannot be decoded."""


class InputError(LinkNetError, ValueError):
    """An input that is neither an image, a folder nor a readable video."""


class BackendMismatchError(LinkNetError, ValueError):
    """A runtime backend (ONNX Runtime, bf16 PyTorch) whose model or
    settings do not fit the config it is run with.

    Args:
        backend (str): Which backend, e.g. 'ONNX Runtime'; the message
            starts with it.
        message (str): What does not fit, naming the file or setting.
    """

    def __init__(self, backend: str, message: str) -> None:
        super().__init__(f'{backend}: {message}')
        self.backend = backend


class PretrainedNotFoundError(LinkNetError, FileNotFoundError):
    """Pretrained weights named by a config's ``init_cfg`` are missing.

    The message says how to get or make them.
    """


class WeightConversionError(LinkNetError, ValueError):
    """A file of weights from another framework that cannot be converted."""


class PrecisionError(LinkNetError, ValueError):
    """A precision this CPU does not offer, or whose files are missing."""


class WorkDirInUseError(ConfigError):
    """A training run started in a work dir where another one trains.

    The message names the work dir, the other process and its lock file.
    """


class DiskFullError(LinkNetError, OSError):
    """A checkpoint that did not fit on its disk.

    The message names the work dir, the space the checkpoint needed, the
    last checkpoint saved whole and the command that resumes from it.
    """


class TrainingInterrupted(KeyboardInterrupt):
    """A training run stopped by Ctrl-C (SIGINT).

    The message says after which iteration it stopped, which checkpoint is
    the last good one and the command that resumes from it. It derives
    from :class:`KeyboardInterrupt` alone, not :class:`LinkNetError`, so
    that an ``except Exception`` does not catch a Ctrl-C; the tools print
    it in one line and exit with 130, the shell's code for SIGINT.
    """


def shorten(items: Sequence[str], limit: int = MAX_LISTED) -> str:
    """The first ``limit`` items, and how many more there are.

    Args:
        items (Sequence[str]): What an error message lists.
        limit (int): How many to show. Defaults to :data:`MAX_LISTED`.

    Returns:
        str: ``"['a', 'b'] and 3 more"``, or the list alone.
    """
    shown = list(items[:limit])
    more = len(items) - len(shown)
    return f'{shown} and {more} more' if more else f'{shown}'


def error_line(error: BaseException) -> str:
    """The message of ``error`` as the tools print it: one line.

    PyTorch's DataLoader re-raises an error from a worker process as the
    same type with the worker's whole traceback as its message ("Caught
    InputError in DataLoader worker process 0. Original Traceback...");
    for such an error this returns the original message, the traceback's
    last line without the type's name.

    Args:
        error (BaseException): The error caught.

    Returns:
        str: The message to print.
    """
    message = str(error)
    if not message.startswith('Caught ') or 'Original Traceback' not in \
            message:
        return message
    last = message.rstrip().splitlines()[-1]
    name = type(error).__name__
    for prefix in (f'{type(error).__module__}.{name}: ', f'{name}: '):
        if last.startswith(prefix):
            return last[len(prefix):]
    return last
