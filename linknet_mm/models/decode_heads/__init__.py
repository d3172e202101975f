"""LinkNet decode head and its blocks."""
from .linknet_block import FullConvModule, LinkNetDecoderBlock
from .linknet_head import LinkNetHead

__all__ = ['FullConvModule', 'LinkNetDecoderBlock', 'LinkNetHead']
