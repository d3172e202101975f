"""Fold BatchNorm into the convolution before it, for inference."""
import copy
import re
from typing import Iterator, Optional, Tuple

import torch.nn as nn
from mmcv.cnn import ConvModule
from torch.nn.modules.batchnorm import _BatchNorm
from torch.nn.utils.fusion import fuse_conv_bn_weights

from ..decode_heads.linknet_block import FullConvModule

_CONVS = (nn.Conv2d, nn.ConvTranspose2d)
_NUMBERED_CONV = re.compile(r'conv(\d+)$')


def fuse_conv_bn(model: nn.Module) -> int:
    """Fold every BatchNorm that directly follows a convolution into it.

    In eval mode ``BN(conv(x))`` is ``conv'(x)`` with rescaled weights and a
    bias, so the norm layer can be dropped (it is replaced by
    ``nn.Identity``) and each conv+BN pair costs one pass over the feature
    map instead of two. Unlike :func:`mmcv.cnn.fuse_conv_bn`, which pairs
    children by registration order, only pairs whose order of execution is
    known are folded:

    - mmcv :class:`~mmcv.cnn.ConvModule` with ``order`` ('conv', 'norm',
      ...);
    - :class:`~linknet_mm.models.decode_heads.FullConvModule` (its crop to
      the skip size sits between conv and norm, which a per-channel affine
      map commutes with);
    - mmcv/mmseg blocks that name their layers ``conv{i}`` and
      ``norm{i}_name`` and apply norm ``i`` right after conv ``i``: the stem
      and the ``BasicBlock``/``Bottleneck`` of mmseg's ResNet family;
    - adjacent (conv, BN) children of an ``nn.Sequential``, e.g. a ResNet
      ``downsample`` or a deep stem.

    Convolutions are ``nn.Conv2d`` and ``nn.ConvTranspose2d`` (the latter
    with ``groups=1``); BatchNorms need running statistics.

    Args:
        model (nn.Module): Model in eval mode, changed in place.

    Returns:
        int: Number of conv+BN pairs folded.
    """
    if model.training:
        raise ValueError('fuse_conv_bn: call model.eval() first; in train '
                         'mode BatchNorm uses batch statistics, which cannot '
                         'be folded into the weights')
    fused = 0
    for parent in list(model.modules()):
        for conv, bn_owner, bn_name in _pairs(parent):
            bn = getattr(bn_owner, bn_name)
            if _foldable(conv, bn):
                _fold(conv, bn)
                # Set the attribute on its owner so properties such as
                # ConvModule.norm keep resolving to the Identity.
                setattr(bn_owner, bn_name, nn.Identity())
                if isinstance(bn_owner, ConvModule):
                    # its efficient conv+BN eval path needs the BN
                    bn_owner.efficient_conv_bn_eval_forward = None
                fused += 1
    return fused


def fused_copy(model: nn.Module) -> nn.Module:
    """A copy of the model in eval mode with its BatchNorms folded.

    Args:
        model (nn.Module): The model (not changed).

    Returns:
        nn.Module: The copy, after :func:`fuse_conv_bn`.
    """
    folded = copy.deepcopy(model).eval()
    fuse_conv_bn(folded)
    return folded


def _pairs(parent: nn.Module) -> Iterator[Tuple[nn.Module, nn.Module, str]]:
    """The (conv, owner of the norm, attribute name of the norm) of a module.

    Args:
        parent (nn.Module): Module whose own children are inspected.

    Yields:
        tuple: The convolution, the module holding the norm, and the name of
        the norm in it.
    """
    if isinstance(parent, ConvModule):
        order = parent.order
        if parent.with_norm and order.index('norm') == \
                order.index('conv') + 1:
            yield parent.conv, parent, parent.norm_name
    elif isinstance(parent, FullConvModule):
        yield parent.conv, parent, 'norm'
    elif isinstance(parent, nn.Sequential):
        children = list(parent.named_children())
        for (_, first), (name, second) in zip(children, children[1:]):
            if isinstance(first, _CONVS):
                yield first, parent, name
    else:
        for name, child in parent.named_children():
            match = _NUMBERED_CONV.match(name)
            norm_name = _norm_name(parent, match)
            if isinstance(child, _CONVS) and norm_name is not None:
                yield child, parent, norm_name


def _norm_name(parent: nn.Module, match: Optional[re.Match]) -> Optional[str]:
    """Name of the norm applied after ``conv{i}``, from ``norm{i}_name``.

    Args:
        parent (nn.Module): Block holding the conv.
        match (re.Match, optional): Match of ``conv(\\d+)`` on its name.

    Returns:
        str, optional: The attribute name of the norm, if the block has one.
    """
    if match is None:
        return None
    name = getattr(parent, f'norm{match.group(1)}_name', None)
    return name if isinstance(name, str) else None


def _foldable(conv: nn.Module, bn: nn.Module) -> bool:
    """Whether ``bn`` is an eval-mode BatchNorm that ``conv`` can absorb.

    Args:
        conv (nn.Module): The convolution.
        bn (nn.Module): The module applied right after it.

    Returns:
        bool: True if the pair can be folded.
    """
    if not isinstance(bn, _BatchNorm) or bn.running_mean is None:
        return False
    if bn.training:
        raise ValueError(f'fuse_conv_bn: {bn} is in train mode; call '
                         'model.eval() first')
    if isinstance(conv, nn.ConvTranspose2d):
        return conv.groups == 1 and conv.out_channels == bn.num_features
    return isinstance(conv, nn.Conv2d) and \
        conv.out_channels == bn.num_features


def _fold(conv: nn.Module, bn: _BatchNorm) -> None:
    """Rescale ``conv``'s weight and set its bias so it computes BN(conv).

    Args:
        conv (nn.Module): ``nn.Conv2d`` or ``nn.ConvTranspose2d``, changed in
            place.
        bn (_BatchNorm): The BatchNorm after it.
    """
    weight, bias = fuse_conv_bn_weights(
        conv.weight.detach(),
        None if conv.bias is None else conv.bias.detach(),
        bn.running_mean,
        bn.running_var,
        bn.eps,
        None if bn.weight is None else bn.weight.detach(),
        None if bn.bias is None else bn.bias.detach(),
        transpose=isinstance(conv, nn.ConvTranspose2d))
    conv.weight = weight
    conv.bias = bias
