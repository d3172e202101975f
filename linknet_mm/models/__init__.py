"""LinkNet models."""
from .decode_heads import LinkNetDecoderBlock, LinkNetHead
from .losses import ClassWeightedCrossEntropyLoss

__all__ = [
    'ClassWeightedCrossEntropyLoss', 'LinkNetDecoderBlock', 'LinkNetHead'
]
