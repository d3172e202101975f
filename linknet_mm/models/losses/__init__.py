"""Losses mmseg lacks or gets wrong for LinkNet's recipes."""
from .class_weighted_cross_entropy import (ClassWeightedCrossEntropyLoss,
                                           class_weighted_cross_entropy)

__all__ = ['ClassWeightedCrossEntropyLoss', 'class_weighted_cross_entropy']
