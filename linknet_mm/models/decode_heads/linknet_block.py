"""Building blocks of the LinkNet decoder."""
from typing import Optional, Sequence

import torch.nn as nn
from mmcv.cnn import ConvModule, build_activation_layer, build_norm_layer
from torch import Tensor

from mmseg.utils import ConfigType, OptConfigType


class FullConvModule(nn.Module):
    """Transposed ("full") convolution + norm + activation.

    Up-samples by ``stride`` exactly; :meth:`forward` can crop the result to
    a smaller target size, which is how odd input sizes are aligned: the
    rows and columns a transposed convolution appends at the bottom/right are
    the only ones that differ between its possible output sizes, so cropping
    them is the same as asking the layer for that output size, and it stays
    traceable with dynamic shapes.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        kernel_size (int): Kernel size. Defaults to 3.
        stride (int): Up-sampling factor. Defaults to 2.
        norm_cfg (dict, optional): Config of the norm layer; None for no
            norm (the layer then has a bias). Defaults to ``dict(type='BN')``.
        act_cfg (dict, optional): Config of the activation; None for no
            activation. Defaults to ``dict(type='ReLU')``.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 kernel_size: int = 3,
                 stride: int = 2,
                 norm_cfg: OptConfigType = dict(type='BN'),
                 act_cfg: OptConfigType = dict(type='ReLU')) -> None:
        super().__init__()
        padding = (kernel_size - 1) // 2
        self.conv = nn.ConvTranspose2d(
            in_channels,
            out_channels,
            kernel_size,
            stride=stride,
            padding=padding,
            output_padding=stride + 2 * padding - kernel_size,
            bias=norm_cfg is None)
        self.norm = (
            build_norm_layer(norm_cfg, out_channels)[1]
            if norm_cfg is not None else nn.Identity())
        self.act = (
            build_activation_layer(act_cfg)
            if act_cfg is not None else nn.Identity())

    def forward(self,
                x: Tensor,
                size: Optional[Sequence[int]] = None) -> Tensor:
        """Up-sample ``x``.

        Args:
            x (Tensor): Input of shape (N, C, H, W).
            size (Sequence[int], optional): Target (H', W') with
                ``stride * (H - 1) < H' <= stride * H`` (same for W); None
                keeps ``stride`` times the input size.

        Returns:
            Tensor: Shape (N, out_channels, H', W').
        """
        x = self.conv(x)
        if size is not None:
            x = x[..., :size[0], :size[1]]
        return self.act(self.norm(x))


class LinkNetDecoderBlock(nn.Module):
    """One LinkNet decoder block (Chaurasia & Culurciello 2017, Fig. 3).

    1x1 conv (m -> m / reduction), 3x3 full conv (up-samples by ``stride``),
    1x1 conv (m / reduction -> n), each followed by norm and activation.

    Args:
        in_channels (int): m, channels of the deeper feature map.
        out_channels (int): n, channels of the skip it is added to.
        reduction (int): Bottleneck ratio m / (inner width). Defaults to 4.
        stride (int): Up-sampling factor of the full conv; 1 for the block of
            the shallowest stage. Defaults to 2.
        conv_cfg (dict, optional): Config of the 1x1 conv layers.
            Defaults to None.
        norm_cfg (dict, optional): Norm config. Defaults to
            ``dict(type='BN')``.
        act_cfg (dict): Activation config. Defaults to ``dict(type='ReLU')``.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 reduction: int = 4,
                 stride: int = 2,
                 conv_cfg: OptConfigType = None,
                 norm_cfg: OptConfigType = dict(type='BN'),
                 act_cfg: ConfigType = dict(type='ReLU')) -> None:
        super().__init__()
        inner = max(in_channels // reduction, 1)
        common = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.reduce = ConvModule(in_channels, inner, 1, **common)
        self.up = FullConvModule(
            inner, inner, 3, stride, norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.expand = ConvModule(inner, out_channels, 1, **common)

    def forward(self,
                x: Tensor,
                size: Optional[Sequence[int]] = None) -> Tensor:
        """Decode ``x``, up-sampled to ``size`` when given.

        Args:
            x (Tensor): Input of shape (N, in_channels, H, W).
            size (Sequence[int], optional): Output (H', W'), e.g. the size
                of the skip the result is added to. Defaults to None.

        Returns:
            Tensor: Shape (N, out_channels, H', W').
        """
        return self.expand(self.up(self.reduce(x), size))
