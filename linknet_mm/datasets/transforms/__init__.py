"""Format-specific loading transforms for the linknet_mm datasets."""
from .binarize_mask import BinarizeMask
from .check_mask_size import CheckMaskSize
from .decode_cityscapes_colors import DecodeCityscapesColors
from .load_unchanged_annotations import LoadUnchangedAnnotations
from .split_image_pair import SplitImagePair

__all__ = [
    'BinarizeMask', 'CheckMaskSize', 'DecodeCityscapesColors',
    'LoadUnchangedAnnotations', 'SplitImagePair'
]
