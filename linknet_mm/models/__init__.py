"""LinkNet models."""
from .decode_heads import LinkNetDecoderBlock, LinkNetHead

__all__ = ['LinkNetDecoderBlock', 'LinkNetHead']
