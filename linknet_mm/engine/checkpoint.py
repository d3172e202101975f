"""Checkpoints: read them safely, load them into a model, all or nothing.

``torch.load`` reads mmengine checkpoints with ``weights_only=True``.

Since torch 2.6, ``torch.load`` only unpickles allowlisted globals. Besides
tensors, mmengine checkpoints hold its ``MessageHub`` state: ``HistoryBuffer``
objects with numpy arrays and scalars, and the buffer's statistics methods,
which pickle writes as ``getattr(HistoryBuffer, 'mean')``. Allowlisting the
real ``getattr`` would let a crafted checkpoint reach any attribute of an
allowlisted object (and from there ``os.system``), so ``builtins.getattr``
is bound to :func:`history_buffer_getattr`, which resolves only those
methods. Nothing here loads with ``weights_only=False``.

:func:`read_checkpoint` is the one read of a checkpoint file (through
mmengine's ``CheckpointLoader``), :func:`load_weights` the one load into a
model: :func:`compare_state_dicts` (missing, unexpected, reshaped tensors,
and what the keys imply), then mmengine's ``load_state_dict``. Every path
that loads weights goes through them: ``SafeRunner.load_checkpoint``
(``load_from``, ``--resume``, ``tools/test.py``),
:func:`load_segmentor_checkpoint` (inference, export, quantization) and
``StrictPretrained``.
"""
import logging
import os.path as osp
import pickle
import re
import struct
from collections import OrderedDict, defaultdict
from typing import (Callable, Dict, Iterable, List, NamedTuple, Optional,
                    Tuple, Union)

import numpy as np
import torch
import torch.nn as nn
from mmengine.logging import HistoryBuffer, print_log
from mmengine.runner import CheckpointLoader, load_state_dict
from mmseg.models.backbones import ResNet
from torch import Tensor

from ..errors import CheckpointMismatchError, ConfigError

#: Methods of ``HistoryBuffer`` that its pickled state refers to.
HISTORY_BUFFER_METHODS = frozenset({'min', 'max', 'current', 'mean'})
#: A tensor of a ResNet block: stage, block, convolution.
RESNET_BLOCK_KEY = re.compile(
    r'^backbone\.layer([1-4])\.(\d+)\.conv([1-3])\.weight$')


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


def read_checkpoint(filename: str,
                    map_location: Union[str, Callable] = 'cpu') -> dict:
    """Read a checkpoint once, naming the file if it cannot be read.

    Args:
        filename (str): mmengine checkpoint, or a (``{'state_dict': ...}``)
            state dict saved with ``torch.save``; a local path or a URL.
        map_location (str | Callable): Where tensors go, as for
            ``torch.load``. Defaults to 'cpu'.

    Returns:
        dict: The checkpoint.
    """
    if '://' not in filename and not osp.isfile(filename):
        raise ConfigError(f'checkpoint {filename!r} not found')
    try:
        checkpoint = CheckpointLoader.load_checkpoint(
            filename, map_location=map_location, logger='current')
    except pickle.UnpicklingError as error:  # torch's advice not chained
        raise CheckpointMismatchError(
            _refusal(filename, str(error))) from None
    except (RuntimeError, EOFError, LookupError, struct.error) as error:
        why = type(error).__name__
        raise _unreadable(filename, f'{why} {str(error)[:200]}'.splitlines()
                          [0].strip()) from error
    if not isinstance(checkpoint, dict):
        raise CheckpointMismatchError(
            f'checkpoint {filename} holds a {type(checkpoint).__name__}; '
            "expected a state dict or a dict with a 'state_dict' key")
    return checkpoint


def _unreadable(filename: str, why: str) -> CheckpointMismatchError:
    """The error of a file ``torch.load`` cannot read (text, image, cut)."""
    return CheckpointMismatchError(
        f'checkpoint {filename} cannot be read: it is truncated, or is not '
        f'a PyTorch checkpoint (a .pth file saved by training): {why}')


def _refusal(filename: str, text: str) -> str:
    """One line saying why ``torch.load`` refused a checkpoint.

    torch's own message advises loading with ``weights_only=False``, which
    would run whatever the file asks for; it is not repeated.

    Args:
        filename (str): The checkpoint.
        text (str): The ``UnpicklingError`` ``torch.load`` raised.

    Returns:
        str: The message.
    """
    if text.startswith('checkpoint refused'):  # history_buffer_getattr
        return f'{filename}: {text}'
    found = re.search(r'GLOBAL (\S+)', text)
    if not found:  # not a pickle of torch.save: a text file, an image
        return str(_unreadable(filename, 'a pickle torch cannot read'))
    return (f'checkpoint {filename} refused: it asks to load code '
            f'({found.group(1)}) that is not among the tensors, numbers and '
            'mmengine training state a checkpoint holds; it was not run. '
            'Use checkpoints from a source you trust')


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


class StateDictDiff(NamedTuple):
    """How a checkpoint's tensors differ from a model's.

    ``num_batches_tracked`` counters are left out: BatchNorm works without
    them, and older checkpoints lack them.

    Attributes:
        missing (list[str]): Model tensors the checkpoint lacks.
        unexpected (list[str]): Checkpoint tensors the model lacks (e.g.
            the extra blocks of a deeper backbone, an auxiliary head).
        shapes (list[str]): ``'KEY: checkpoint (..) vs model (..)'`` for
            tensors of another shape (e.g. another ``num_classes``).
        hint (str): What the keys imply, e.g. another ResNet depth; ''
            when nothing is derived.
    """
    missing: List[str]
    unexpected: List[str]
    shapes: List[str]
    hint: str

    def __bool__(self) -> bool:
        return bool(self.missing or self.unexpected or self.shapes)

    def summary(self, unexpected: str = 'unexpected') -> str:
        """The differences in one line: counts, hint, a few examples.

        Args:
            unexpected (str): What to call an unexpected tensor in the
                examples. Defaults to 'unexpected'.

        Returns:
            str: E.g. ``'2 tensors differ (1 missing, 1 of another
            shape); e.g. a: missing; b: checkpoint (4,) vs model (3,)'``.
        """
        kinds = dict(missing=self.missing, unexpected=self.unexpected)
        kinds['of another shape'] = self.shapes
        counts = [
            f'{len(keys)} {kind}' for kind, keys in kinds.items() if keys
        ]
        total = len(self.missing) + len(self.unexpected) + len(self.shapes)
        examples = [f'{key}: missing' for key in self.missing[:2]]
        examples += [f'{key}: {unexpected}' for key in self.unexpected[:2]]
        examples += self.shapes[:2]
        hint = f'; {self.hint}' if self.hint else ''
        return (f'{total} tensors differ ({", ".join(counts)}){hint}; e.g. '
                f'{"; ".join(examples)}')


def _resnet_blocks(keys: Iterable[str]) -> Optional[Tuple[str, tuple]]:
    """Block type and blocks per stage of ``backbone.layer1-4``, if ResNet.

    Args:
        keys (Iterable[str]): State-dict keys.

    Returns:
        tuple | None: ``('BasicBlock' | 'Bottleneck', (n1, n2, n3, n4))``,
        or None when the keys are not those of a ResNet (or ResNetV1c).
    """
    blocks = defaultdict(set)
    bottleneck = False
    for key in keys:
        found = RESNET_BLOCK_KEY.match(key)
        if found:
            blocks[int(found.group(1))].add(int(found.group(2)))
            bottleneck |= found.group(3) == '3'
    if sorted(blocks) != [1, 2, 3, 4]:
        return None
    return ('Bottleneck' if bottleneck else 'BasicBlock',
            tuple(max(blocks[stage]) + 1 for stage in (1, 2, 3, 4)))


def _resnet_name(keys: Iterable[str]) -> Optional[str]:
    """``'ResNet-34'`` for the keys of mmseg's ResNet-34, and so on.

    Args:
        keys (Iterable[str]): State-dict keys.

    Returns:
        str | None: The ResNet the keys imply (its depth from mmseg's
        ``ResNet.arch_settings``), ``'a ResNet with BasicBlocks (..)'``
        for other block counts, None when they are no ResNet's.
    """
    blocks = _resnet_blocks(keys)
    if blocks is None:
        return None
    for depth, (block, counts) in ResNet.arch_settings.items():
        if (block.__name__, tuple(counts)) == blocks:
            return f'ResNet-{depth}'
    return f'a ResNet with {blocks[0]}s {blocks[1]}'


def _hint(expected: Dict[str, Tensor], got: Dict[str, Tensor],
          missing: List[str], unexpected: List[str]) -> str:
    """What the differing keys imply, when that is cheap to tell."""
    prefixed = {f'backbone.{key}' for key in got}
    if got and not set(expected) & set(got) and prefixed <= set(expected):
        return ("its keys lack the 'backbone.' prefix: a bare backbone "
                '(weights for model.backbone.init_cfg), not a whole '
                'segmentor')
    theirs, ours = _resnet_name(got), _resnet_name(expected)
    layer_keys = [
        k for k in unexpected + missing if k.startswith('backbone.layer')
    ]
    if not layer_keys or theirs is None or theirs == ours:
        return ''
    block = '.'.join(layer_keys[0].split('.')[:3])
    setting = 'model.backbone.depth' if ours else 'model.backbone'
    return (f'keys such as {block} imply a {theirs} backbone, the config '
            f'builds {ours or "another backbone"} ({setting})')


def compare_state_dicts(expected: Dict[str, Tensor],
                        got: Dict[str, Tensor]) -> StateDictDiff:
    """Compare a checkpoint's tensors with a model's: the one comparison.

    Used by every path that loads weights into a built model
    (:func:`load_weights`, ``StrictPretrained``).

    Args:
        expected (dict[str, Tensor]): The model's state dict.
        got (dict[str, Tensor]): The checkpoint's state dict.

    Returns:
        StateDictDiff: Missing, unexpected and reshaped tensors, and a
        hint; false when the checkpoint fits.
    """

    def counted(key: str) -> bool:
        return not key.endswith('num_batches_tracked')

    missing = [k for k in expected if counted(k) and k not in got]
    unexpected = [k for k in got if counted(k) and k not in expected]
    shapes = [
        f'{key}: checkpoint {tuple(got[key].shape)} vs model '
        f'{tuple(tensor.shape)}' for key, tensor in expected.items()
        if key in got and hasattr(got[key], 'shape')
        and tuple(got[key].shape) != tuple(tensor.shape)
    ]
    return StateDictDiff(missing, unexpected, shapes,
                         _hint(expected, got, missing, unexpected))


def load_weights(model: nn.Module,
                 checkpoint: dict,
                 filename: str,
                 config_name: str = 'the config',
                 partial: bool = False) -> None:
    """Load a checkpoint's weights into ``model``, all of them or none.

    mmengine's ``load_checkpoint`` only warns when tensors are missing,
    unexpected or of another shape (e.g. a ResNet-34 checkpoint given to a
    ResNet-18 config) and goes on with a half-loaded model. Here any
    difference (:func:`compare_state_dicts`) is a one-line
    :class:`~linknet_mm.errors.CheckpointMismatchError` naming the
    checkpoint, the config and what differs, unless ``partial``. A
    ``module.`` prefix (DDP) is stripped.

    Args:
        model (nn.Module): Model to load into (unwrapped).
        checkpoint (dict): What :func:`read_checkpoint` returned.
        filename (str): The checkpoint's file, for messages.
        config_name (str): How to name the model's config in messages.
            Defaults to 'the config'.
        partial (bool): Load the tensors that fit and warn of the rest
            (the config's ``partial_load=True``). Defaults to False.
    """
    state_dict = state_dict_of(checkpoint)
    diff = compare_state_dicts(model.state_dict(), state_dict)
    if diff and not partial:
        raise CheckpointMismatchError(
            f'checkpoint {filename} does not fit the model of {config_name}: '
            f'{diff.summary()}. Use the config it was trained with; to load '
            'only the tensors that fit, on purpose, set partial_load=True '
            '(--cfg-options partial_load=True)')
    if diff:
        print_log(
            f'partial_load=True: checkpoint {filename} loaded in part '
            f'into the model of {config_name}: {diff.summary()}',
            logger='current',
            level=logging.WARNING)
    # what fits (all, unless partial) loads; mmengine warns of the rest
    load_state_dict(model, state_dict, strict=False, logger='current')


def load_segmentor_checkpoint(model: nn.Module,
                              filename: str,
                              config_name: str = 'the config',
                              partial: bool = False) -> dict:
    """Read ``filename`` and load it into ``model`` (:func:`load_weights`).

    Args:
        model (nn.Module): Model to load into.
        filename (str): Checkpoint file (mmengine's or a plain
            ``{'state_dict': ...}`` / state dict saved with ``torch.save``).
        config_name (str): How to name the model's config in errors.
            Defaults to 'the config'.
        partial (bool): Load the tensors that fit and warn of the rest.
            Defaults to False.

    Returns:
        dict: The loaded checkpoint (its ``meta`` holds e.g.
        ``dataset_meta``).
    """
    checkpoint = read_checkpoint(filename)
    load_weights(model, checkpoint, filename, config_name, partial)
    return checkpoint
