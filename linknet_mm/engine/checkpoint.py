"""Checkpoints: read them safely, load them into a model, publish them.

``torch.load`` reads mmengine checkpoints with ``weights_only=True``.

Since torch 2.6, ``torch.load`` only unpickles allowlisted globals. Besides
tensors, mmengine checkpoints hold its ``MessageHub`` state: ``HistoryBuffer``
objects with numpy arrays and scalars, and the buffer's statistics methods,
which pickle writes as ``getattr(HistoryBuffer, 'mean')``. Allowlisting the
real ``getattr`` would let a crafted checkpoint reach any attribute of an
allowlisted object (and from there ``os.system``), so ``builtins.getattr``
is bound to :func:`history_buffer_getattr`, which resolves only those
methods. Nothing here loads with ``weights_only=False``.

:func:`load_segmentor_checkpoint` loads a checkpoint into a segmentor and
refuses one made for another model; :func:`publish_checkpoint` writes a
checkpoint for release (training state dropped, named by its hash).
"""
import logging
import os
import os.path as osp
import pickle
import re
from collections import OrderedDict
from typing import Callable, Dict, List

import numpy as np
import torch
import torch.nn as nn
from mmengine.logging import HistoryBuffer, print_log
from mmengine.runner import CheckpointLoader, load_state_dict
from torch import Tensor

from ..errors import MAX_LISTED, CheckpointMismatchError
from ..utils.files import file_sha256

#: Methods of ``HistoryBuffer`` that its pickled state refers to.
HISTORY_BUFFER_METHODS = frozenset({'min', 'max', 'current', 'mean'})
#: Training state a released model does not need.
TRAINING_STATE = ('optimizer', 'param_schedulers', 'message_hub')


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


def load_segmentor_checkpoint(model: nn.Module,
                              filename: str,
                              config_name: str = 'the config') -> dict:
    """Load ``filename`` into ``model``; raise if it was made for another.

    :func:`mmengine.runner.load_checkpoint` only warns when tensor shapes
    differ (e.g. a checkpoint trained with another ``num_classes``) and
    leaves those layers randomly initialised. Here a tensor of another
    shape, or a model tensor the checkpoint lacks, is an error that names
    them; tensors only the checkpoint has (e.g. an auxiliary head) are
    logged and ignored. A ``module.`` prefix (DDP) is stripped. Errors are
    the :class:`~linknet_mm.errors.CheckpointMismatchError` that
    ``SafeRunner`` raises for ``load_from``.

    Args:
        model (nn.Module): Model to load into.
        filename (str): Checkpoint file (mmengine's or a plain
            ``{'state_dict': ...}`` / state dict saved with ``torch.save``).
        config_name (str): How to name the model's config in errors.
            Defaults to 'the config'.

    Returns:
        dict: The loaded checkpoint (its ``meta`` holds e.g.
        ``dataset_meta``).
    """
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename!r} not found')
    checkpoint = read_checkpoint(filename)
    state_dict = state_dict_of(checkpoint)
    problems = checkpoint_mismatches(model.state_dict(), state_dict)
    if problems:
        raise CheckpointMismatchError(
            f'checkpoint {filename!r} does not match the model of '
            f'{config_name} ({len(problems)} tensors differ):\n  ' +
            '\n  '.join(problems[:MAX_LISTED]) +
            (f'\n  ... and {len(problems) - MAX_LISTED} more'
             if len(problems) > MAX_LISTED else '') +
            '\nUse the config the checkpoint was trained with, or set the '
            'same num_classes / backbone depth / in_channels.')
    extra = sorted(set(state_dict) - set(model.state_dict()))
    if extra:
        print_log(
            f'checkpoint {filename!r}: ignoring {len(extra)} tensors the '
            f'model of {config_name} does not have: {extra[:MAX_LISTED]}',
            logger='current',
            level=logging.WARNING)
        for key in extra:
            del state_dict[key]
    load_state_dict(model, state_dict, strict=True, logger='current')
    return checkpoint


def publish_checkpoint(in_file: str, out_file: str) -> str:
    """Write ``in_file`` without its training state, named by its hash.

    The checkpoint is read with ``weights_only=True`` (the allowlist of
    :func:`read_checkpoint`, so a checkpoint that asks
    to run code is refused). The optimizer, scheduler and message-hub
    state are dropped; weights and ``meta`` (class names, palette) stay.
    The result goes to ``<out_file stem>-<first 8 hex of its SHA-256>.pth``,
    written under a temporary name and renamed.

    Args:
        in_file (str): A checkpoint written by training.
        out_file (str): Where to write, e.g. ``linknet_r18_brain.pth``.

    Returns:
        str: The final file name.
    """
    checkpoint = read_checkpoint(in_file)
    for key in TRAINING_STATE:
        checkpoint.pop(key, None)
    stem = out_file[:-len('.pth')] if out_file.endswith('.pth') else out_file
    partial = f'{stem}.pth.part'
    torch.save(checkpoint, partial)
    final = f'{stem}-{file_sha256(partial)[:8]}.pth'
    os.replace(partial, final)
    return osp.abspath(final)
