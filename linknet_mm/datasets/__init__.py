"""Datasets of the Kaggle layouts LinkNet users train on."""
from .brain_tumor import BrainTumorDataset
from .cityscapes_pairs import CityscapesPairsDataset
from .transforms import (BinarizeMask, CheckMaskSize, DecodeCityscapesColors,
                         LoadUnchangedAnnotations, SplitImagePair)

__all__ = [
    'BrainTumorDataset', 'BinarizeMask', 'CheckMaskSize',
    'CityscapesPairsDataset', 'DecodeCityscapesColors',
    'LoadUnchangedAnnotations', 'SplitImagePair'
]
