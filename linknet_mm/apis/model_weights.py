"""Load a checkpoint into a segmentor, refusing one of another shape."""
import logging
import os.path as osp

import torch.nn as nn
from mmengine.logging import print_log
from mmengine.runner import load_state_dict

from ..errors import MAX_LISTED, CheckpointMismatchError
from ..engine import checkpoint_mismatches, read_checkpoint, state_dict_of


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
    the :class:`~linknet_mm.engine.CheckpointMismatchError` that
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
