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

:func:`compare_state_dicts` is the one comparison of a checkpoint with a
model (missing, unexpected, reshaped tensors, and what the keys imply);
:func:`load_segmentor_checkpoint` loads a checkpoint into a segmentor and
refuses one made for another model; :func:`publish_checkpoint` writes a
checkpoint for release (training state dropped, named by its hash).
"""
import logging
import os
import os.path as osp
import pickle
import re
from collections import OrderedDict, defaultdict
from typing import (Callable, Dict, Iterable, List, NamedTuple, Optional,
                    Tuple)

import numpy as np
import torch
import torch.nn as nn
from mmengine.logging import HistoryBuffer, print_log
from mmengine.runner import CheckpointLoader, load_state_dict
from mmseg.models.backbones import ResNet
from torch import Tensor

from ..errors import CheckpointMismatchError
from ..utils.files import file_sha256

#: Methods of ``HistoryBuffer`` that its pickled state refers to.
HISTORY_BUFFER_METHODS = frozenset({'min', 'max', 'current', 'mean'})
#: Training state a released model does not need.
TRAINING_STATE = ('optimizer', 'param_schedulers', 'message_hub')
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

    def summary(self) -> str:
        """The differences in one line: counts, hint, a few examples."""
        kinds = dict(missing=self.missing, unexpected=self.unexpected)
        kinds['of another shape'] = self.shapes
        counts = [
            f'{len(keys)} {kind}' for kind, keys in kinds.items() if keys
        ]
        total = len(self.missing) + len(self.unexpected) + len(self.shapes)
        examples = [f'{key}: missing' for key in self.missing[:2]]
        examples += [f'{key}: unexpected' for key in self.unexpected[:2]]
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

    Used by every path that loads weights into a built model:
    :func:`load_segmentor_checkpoint` (test, infer, export, quantize) and
    ``SafeRunner.load_checkpoint`` (``load_from``, ``tools/test.py``).

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


def checkpoint_mismatches(expected: Dict[str, Tensor],
                          got: Dict[str, Tensor]) -> List[str]:
    """The model tensors a checkpoint lacks or has in another shape.

    :func:`compare_state_dicts` as lines, without the unexpected tensors
    (callers that load a part of a checkpoint, e.g. ``StrictPretrained``
    with a ``prefix``, judge those themselves).

    Args:
        expected (dict[str, Tensor]): The model's state dict.
        got (dict[str, Tensor]): The checkpoint's state dict.

    Returns:
        list[str]: One line per problem; empty if the checkpoint fits.
    """
    diff = compare_state_dicts(expected, got)
    return [f'{key}: missing from the checkpoint'
            for key in diff.missing] + diff.shapes


def mismatch_error(filename: str, config_name: str,
                   diff: StateDictDiff) -> CheckpointMismatchError:
    """The one-line error of a checkpoint that does not fit a config.

    Args:
        filename (str): The checkpoint.
        config_name (str): The config, as the user named it.
        diff (StateDictDiff): What :func:`compare_state_dicts` found.

    Returns:
        CheckpointMismatchError: The error to raise.
    """
    return CheckpointMismatchError(
        f'checkpoint {filename} does not fit the model of {config_name}: '
        f'{diff.summary()}. Use the config it was trained with; to load '
        'only the tensors that fit, on purpose, set partial_load=True '
        '(--cfg-options partial_load=True)')


def check_checkpoint_fits(
        model: nn.Module,
        filename: str,
        config_name: str = 'the config',
        state_dict: Optional[Dict[str, Tensor]] = None) -> Dict[str, Tensor]:
    """Raise unless a checkpoint has exactly the model's tensors.

    Args:
        model (nn.Module): The built model (unwrapped).
        filename (str): The checkpoint.
        config_name (str): How to name the model's config. Defaults to
            'the config'.
        state_dict (dict, optional): The checkpoint's state dict, when
            already read. Defaults to None (read here).

    Returns:
        dict[str, Tensor]: The checkpoint's state dict.

    Raises:
        CheckpointMismatchError: Tensors are missing, unexpected or of
            another shape (see :func:`mismatch_error`).
    """
    if state_dict is None:
        state_dict = state_dict_of(read_checkpoint(filename))
    diff = compare_state_dicts(model.state_dict(), state_dict)
    if diff:
        raise mismatch_error(filename, config_name, diff)
    return state_dict


def load_segmentor_checkpoint(model: nn.Module,
                              filename: str,
                              config_name: str = 'the config',
                              partial: bool = False) -> dict:
    """Load ``filename`` into ``model``; raise if it was made for another.

    :func:`mmengine.runner.load_checkpoint` only warns when tensors are
    missing, unexpected or of another shape (e.g. a ResNet-34 checkpoint
    given to a ResNet-18 config) and goes on with a half-loaded model.
    Here any difference is a one-line
    :class:`~linknet_mm.errors.CheckpointMismatchError` naming the
    checkpoint, the config and what differs (:func:`mismatch_error`), the
    error ``SafeRunner`` raises for ``load_from``. A ``module.`` prefix
    (DDP) is stripped.

    Args:
        model (nn.Module): Model to load into.
        filename (str): Checkpoint file (mmengine's or a plain
            ``{'state_dict': ...}`` / state dict saved with ``torch.save``).
        config_name (str): How to name the model's config in errors.
            Defaults to 'the config'.
        partial (bool): Load the tensors that fit and warn of the rest
            (the config's ``partial_load=True``). Defaults to False.

    Returns:
        dict: The loaded checkpoint (its ``meta`` holds e.g.
        ``dataset_meta``).
    """
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename!r} not found')
    checkpoint = read_checkpoint(filename)
    state_dict = state_dict_of(checkpoint)
    if not partial:
        check_checkpoint_fits(model, filename, config_name, state_dict)
        load_state_dict(model, state_dict, strict=True, logger='current')
        return checkpoint
    diff = compare_state_dicts(model.state_dict(), state_dict)
    if diff:
        print_log(
            f'partial_load=True: checkpoint {filename} loaded in part '
            f'into the model of {config_name}: {diff.summary()}',
            logger='current',
            level=logging.WARNING)
    fitting = model.state_dict()
    fitting.update((key, value) for key, value in state_dict.items()
                   if key in fitting
                   and getattr(value, 'shape', None) == fitting[key].shape)
    model.load_state_dict(fitting)
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
