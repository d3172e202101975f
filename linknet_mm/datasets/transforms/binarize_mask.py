"""Map a binary mask, whatever its bit depth, to class ids 0/1."""
import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS

from ...errors import InputError


def binarize(mask: np.ndarray,
             threshold: int = 128,
             filename: str = '(unnamed)') -> np.ndarray:
    """Class ids 0/1 of a binary mask, as :class:`BinarizeMask` reads it.

    Args:
        mask (np.ndarray): (H, W), (H, W, 3) or (H, W, 4) mask of any
            unsigned integer type, as stored (uint16 for a 16-bit PNG).
        threshold (int): For 8-bit masks with several non-zero values:
            values >= threshold become 1. Defaults to 128.
        filename (str): The mask's file, for the message.

    Returns:
        np.ndarray: uint8 0/1 of shape (H, W).

    Raises:
        InputError: If the mask is not binary (see :class:`BinarizeMask`).
    """
    if mask.ndim == 3:
        mask = mask[..., :3].max(axis=2)
    top = mask.max() if mask.size else 0
    if top <= 1:  # stored as 0/1 (or all background)
        return mask.astype(np.uint8)
    foreground = mask != 0
    num_high = int(np.count_nonzero(mask == top))
    num_foreground = int(np.count_nonzero(foreground))
    if num_high == num_foreground:  # 0 and one other value: 255, 256...
        return foreground.astype(np.uint8)
    if mask.dtype != np.uint8:
        raise InputError(
            f'mask {filename} ({mask.dtype}) holds values '
            f'{_some_values(mask)}: expected a binary mask, 0 for the '
            'background and one other value for the object')
    high = mask >= threshold
    num_high = int(np.count_nonzero(high))
    low = num_foreground - num_high
    if low > num_high:
        raise InputError(
            f'mask {filename} holds {low} pixels of values '
            f'1..{threshold - 1} and {num_high} of values >= {threshold} '
            f'(values {_some_values(mask)}): expected a binary mask stored '
            'as 0/255 or as 0/1')
    return high.astype(np.uint8)


@TRANSFORMS.register_module()
class BinarizeMask(BaseTransform):
    """Map a binary mask to class ids 0/1, whichever way it is stored.

    Each mask's encoding is read from its values, in the depth it was
    stored in (load it with ``LoadUnchangedAnnotations``: mmseg's
    ``LoadAnnotations`` casts a 16-bit mask to uint8, 256 to 0):

    - **0/1** (no value above 1): kept as it is;
    - **0 and one other value** (255, 256, 65535...): zero is background,
      the other value foreground, whatever the bit depth;
    - **8-bit, several non-zero values**: pixels ``>= threshold`` become 1,
      the others 0, so 0/255 masks that were anti-aliased or re-encoded
      (values such as 1 or 254 along the edges) are handled too; a mask
      whose pixels of values 1 to ``threshold - 1`` outnumber those
      ``>= threshold`` (e.g. objects stored as 1 with a 255 border) fits
      no encoding and is an :class:`~linknet_mm.errors.InputError` naming
      the file and its values: thresholding it would turn its objects into
      background;
    - **16-bit, several non-zero values**: an
      :class:`~linknet_mm.errors.InputError` naming the file and its
      values.

    A mask stored in colour (H, W, 3) or with alpha (H, W, 4) counts a
    pixel as foreground if any colour channel is; alpha is ignored. Put it
    right after the annotation loader: left at 255, the foreground would be
    ignored by the loss (``ignore_index=255``).

    Without ``gt_seg_map`` (an unlabelled image at inference, e.g. through
    mmseg's ``MMSegInferencer``) the results pass unchanged.

    Required Keys:

    - gt_seg_map

    Modified Keys:

    - gt_seg_map

    Args:
        threshold (int): For 8-bit masks with several non-zero values:
            values >= threshold become 1, in [1, 255]. Defaults to 128.
    """

    def __init__(self, threshold: int = 128) -> None:
        if not 1 <= threshold <= 255:
            raise ValueError('BinarizeMask threshold must be in [1, 255] '
                             f'for 8-bit masks, got {threshold}')
        self.threshold = threshold

    def transform(self, results: dict) -> dict:
        """Binarize ``results['gt_seg_map']``.

        Args:
            results (dict): Result dict with ``gt_seg_map`` of shape (H, W),
                (H, W, 3) or (H, W, 4), of any unsigned integer type.

        Returns:
            dict: ``results`` with ``gt_seg_map`` as uint8 0/1 of shape
            (H, W).
        """
        if 'gt_seg_map' not in results:  # no labels (inference)
            return results
        results['gt_seg_map'] = binarize(
            results['gt_seg_map'], self.threshold,
            results.get('seg_map_path', '(unnamed)'))
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(threshold={self.threshold})'


def _some_values(mask: np.ndarray, limit: int = 6) -> str:
    """The first distinct values of a mask, for an error message.

    Args:
        mask (np.ndarray): The mask.
        limit (int): Values listed at most. Defaults to 6.

    Returns:
        str: e.g. ``'0, 1, 255'``.
    """
    values = np.unique(mask)
    listed = ', '.join(str(v) for v in values[:limit])
    return listed + (', ...' if len(values) > limit else '')
