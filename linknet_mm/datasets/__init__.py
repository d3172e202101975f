"""Datasets of the Kaggle layouts LinkNet users train on."""
from .brain_tumor import BrainTumorDataset
from .cityscapes_pairs import CityscapesPairsDataset
from .transforms import (BinarizeMask, CheckMaskSize,
                         LoadUnchangedAnnotations)
from .transforms import (DecodeCityscapesColors, LoadCityscapesPair,
                         SplitImagePair)

__all__ = [
    'BrainTumorDataset', 'BinarizeMask', 'CheckMaskSize',
    'LoadUnchangedAnnotations'
]
__all__ += [
    'CityscapesPairsDataset', 'DecodeCityscapesColors', 'LoadCityscapesPair',
    'SplitImagePair'
]
