"""``init_cfg=dict(type='StrictPretrained', ...)``: load weights, all of them.

mmengine's ``Pretrained`` initializer loads with ``strict=False``: a file
made for another model loads nothing and training goes on from scratch
with a warning in the log. ``StrictPretrained`` refuses a checkpoint that
lacks a tensor of the module, has one in another shape, or has tensors the
module lacks, naming them; and a missing local file is an error that says
how to make it (``how_to_get``), e.g. the converter command of weights
converted offline.

mmengine runs an ``init_cfg`` of type ``'Pretrained'`` after the
submodules' own ``init_weights``, and any other type before them, where
they would overwrite what it loaded (a ``ConvModule`` re-initialises its
convolution and norm). ``StrictPretrained`` therefore marks every
submodule it loaded as initialised (``is_init``), so mmengine skips them.
"""
import os.path as osp
from typing import Optional

import torch.nn as nn
from mmengine.logging import print_log
from mmengine.registry import WEIGHT_INITIALIZERS

from ..errors import CheckpointMismatchError, PretrainedNotFoundError
from .checkpoint import compare_state_dicts, read_checkpoint, state_dict_of


@WEIGHT_INITIALIZERS.register_module(name='StrictPretrained')
class StrictPretrainedInit:
    """Initialise a module from a checkpoint whose tensors all fit it.

    Args:
        checkpoint (str): Local path or URL of the checkpoint.
        how_to_get (str, optional): What to do when the local file is
            missing (e.g. the command that writes it); said in the error,
            with ``{checkpoint}`` replaced by the checkpoint's path.
        prefix (str, optional): Load only the tensors under this prefix
            (e.g. ``'backbone.'`` of a whole segmentor), prefix removed.

    Raises:
        PretrainedNotFoundError: The local ``checkpoint`` does not exist
            (raised when the initializer is built, before any loading).
    """

    def __init__(self,
                 checkpoint: str,
                 how_to_get: Optional[str] = None,
                 prefix: Optional[str] = None) -> None:
        remote = '://' in checkpoint
        if not remote and not osp.isfile(checkpoint):
            hint = ('; ' + how_to_get.replace('{checkpoint}', checkpoint)
                    if how_to_get else '')
            raise PretrainedNotFoundError(
                f'pretrained weights {checkpoint!r} (init_cfg of the '
                f'config) not found{hint}')
        self.checkpoint = checkpoint
        self.prefix = prefix

    def __call__(self, module: nn.Module) -> None:
        """Load the checkpoint into ``module``.

        Args:
            module (nn.Module): The module whose ``init_cfg`` this is.

        Raises:
            CheckpointMismatchError: A tensor is missing, of another shape,
                or not one of the module's.
        """
        state_dict = state_dict_of(read_checkpoint(self.checkpoint))
        if self.prefix:
            state_dict = {
                key[len(self.prefix):]: value
                for key, value in state_dict.items()
                if key.startswith(self.prefix)
            }
        diff = compare_state_dicts(module.state_dict(), state_dict)
        name = type(module).__name__
        if diff:
            raise CheckpointMismatchError(
                f'pretrained weights {self.checkpoint!r} do not fit {name}: '
                f'{diff.summary(unexpected=f"not a tensor of {name}")}')
        module.load_state_dict(state_dict, strict=False)
        print_log(
            f'{name}: all {len(state_dict)} tensors loaded '
            f'from {self.checkpoint}',
            logger='current')
        for submodule in module.modules():
            if submodule is not module:
                submodule.is_init = True  # keep the children's init away
        if hasattr(module, '_params_init_info'):
            for param in module.parameters():
                module._params_init_info[param]['init_info'] = (
                    f'StrictPretrained: loaded from {self.checkpoint}')
