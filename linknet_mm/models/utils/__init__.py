"""Model utilities."""
from .fuse_conv_bn import fuse_conv_bn, fused_copy

__all__ = ['fuse_conv_bn', 'fused_copy']
