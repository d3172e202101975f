"""Let ``torch.load`` read mmengine checkpoints with ``weights_only=True``.

Since torch 2.6, ``torch.load`` only unpickles allowlisted globals. Besides
tensors, mmengine checkpoints hold its ``MessageHub`` state: ``HistoryBuffer``
objects with numpy arrays and scalars, and the buffer's statistics methods,
which pickle writes as ``getattr(HistoryBuffer, 'mean')``. Allowlisting the
real ``getattr`` would let a crafted checkpoint reach any attribute of an
allowlisted object (and from there ``os.system``), so ``builtins.getattr``
is bound to :func:`history_buffer_getattr`, which resolves only those
methods. Nothing here loads with ``weights_only=False``.
"""
import os.path as osp
import pickle
import re
from collections import OrderedDict
from typing import Callable, Dict, List

import numpy as np
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner import CheckpointLoader
from torch import Tensor

from ..errors import CheckpointMismatchError

#: Methods of ``HistoryBuffer`` that its pickled state refers to.
HISTORY_BUFFER_METHODS = frozenset({'min', 'max', 'current', 'mean'})


def history_buffer_getattr(obj: object, name: str) -> Callable:
    """The only ``getattr`` a checkpoint may call.

    Args:
        obj (object): Must be the ``HistoryBuffer`` class.
        name (str): One of :data:`HISTORY_BUFFER_METHODS`.

    Returns:
        Callable: The plain function ``HistoryBuffer.<name>``.
    """
    if obj is not HistoryBuffer or name not in HISTORY_BUFFER_METHODS:
        raise pickle.UnpicklingError(
            f'checkpoint refused: it asks for getattr({obj!r}, {name!r}); '
            'only the statistics methods of mmengine HistoryBuffer '
            f'({sorted(HISTORY_BUFFER_METHODS)}) may be looked up')
    return HistoryBuffer.__dict__[name]


def _numpy_globals() -> list:
    """Numpy's array, scalar and dtype constructors, and the dtype classes."""
    dtype_classes = [
        type(np.dtype(code)) for code in np.typecodes['All'] if code != 'O'
    ]
    return [
        np.ndarray, np.dtype, np._core.multiarray._reconstruct,
        np._core.multiarray.scalar, *dtype_classes
    ]


def allow_mmengine_checkpoints() -> None:
    """Allowlist exactly what mmengine writes, for every ``torch.load``.

    Called on ``import linknet_mm``, so ``load_from``, ``--resume`` and
    ``tools/test.py CONFIG CKPT`` (ours and mmseg's) read mmengine
    checkpoints without ``weights_only=False``.
    """
    torch.serialization.add_safe_globals([
        HistoryBuffer, *_numpy_globals(),
        (history_buffer_getattr, 'builtins.getattr')
    ])


def read_checkpoint(filename: str) -> dict:
    """Read a checkpoint, naming the file if it cannot be read.

    Args:
        filename (str): mmengine checkpoint, or a (``{'state_dict': ...}``)
            state dict saved with ``torch.save``.

    Returns:
        dict: The checkpoint.
    """
    _check_format(filename)
    try:
        checkpoint = CheckpointLoader.load_checkpoint(
            filename, map_location='cpu', logger='current')
    except pickle.UnpicklingError as error:
        raise CheckpointMismatchError(_refusal(filename, error)) from None
    except (RuntimeError, EOFError) as error:
        raise CheckpointMismatchError(
            f'checkpoint {filename} cannot be read: it is truncated or not '
            f'a PyTorch checkpoint ({error})') from error
    if not isinstance(checkpoint, dict):
        raise CheckpointMismatchError(
            f'checkpoint {filename} holds a {type(checkpoint).__name__}; '
            "expected a state dict or a dict with a 'state_dict' key")
    return checkpoint


def _check_format(filename: str) -> None:
    """Raise unless a local file starts as torch.save writes files.

    ``torch.save`` writes a zip archive (``PK``), older versions a pickle
    (``0x80``); anything else (a text file, an image) is refused here,
    where ``torch.load`` would fail with an unrelated ``KeyError`` or
    ``IndexError``.

    Args:
        filename (str): The checkpoint; URLs and remote paths pass.
    """
    if not osp.isfile(filename):
        return
    with open(filename, 'rb') as f:
        head = f.read(8)
    if not head.startswith((b'PK', b'\x80')):
        raise CheckpointMismatchError(
            f'checkpoint {filename} is not a PyTorch checkpoint (it starts '
            f'with {head!r}); expected a .pth file saved by training')


def _refusal(filename: str, error: pickle.UnpicklingError) -> str:
    """One line saying why ``torch.load`` refused a checkpoint.

    torch's own message advises loading with ``weights_only=False``, which
    would run whatever the file asks for; it is not repeated.

    Args:
        filename (str): The checkpoint.
        error (pickle.UnpicklingError): What ``torch.load`` raised.

    Returns:
        str: The message.
    """
    text = str(error)
    if text.startswith('checkpoint refused'):  # history_buffer_getattr
        return f'{filename}: {text}'
    found = re.search(r'GLOBAL (\S+)', text)
    asked = f' ({found.group(1)})' if found else ''
    return (f'checkpoint {filename} refused: it asks to load code{asked} '
            'that is not among the tensors, numbers and mmengine training '
            'state a checkpoint holds; it was not run. Use checkpoints '
            'from a source you trust')


def state_dict_of(checkpoint: dict) -> Dict[str, Tensor]:
    """The model weights of a checkpoint, a DDP ``module.`` prefix removed.

    Args:
        checkpoint (dict): What :func:`read_checkpoint` returned.

    Returns:
        dict[str, Tensor]: The state dict.
    """
    state_dict = checkpoint.get('state_dict', checkpoint)
    return OrderedDict((re.sub(r'^module\.', '', key), value)
                       for key, value in state_dict.items())


def checkpoint_mismatches(expected: Dict[str, Tensor],
                          got: Dict[str, Tensor]) -> List[str]:
    """List the model tensors a checkpoint lacks or has in another shape.

    Args:
        expected (dict[str, Tensor]): The model's state dict.
        got (dict[str, Tensor]): The checkpoint's state dict.

    Returns:
        list[str]: One line per problem; empty if the checkpoint fits.
    """
    problems = []
    for key, tensor in expected.items():
        if key.endswith('num_batches_tracked'):
            continue
        if key not in got:
            problems.append(f'{key}: missing from the checkpoint')
        elif tuple(got[key].shape) != tuple(tensor.shape):
            problems.append(f'{key}: checkpoint {tuple(got[key].shape)} vs '
                            f'model {tuple(tensor.shape)}')
    return problems
