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
import pickle
from typing import Callable

import numpy as np
import torch
from mmengine.logging import HistoryBuffer

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
