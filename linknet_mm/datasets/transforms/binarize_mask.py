"""Map a binary mask stored as 0/255 or as 0/1 to class ids 0/1."""
import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS

from ...errors import InputError


@TRANSFORMS.register_module()
class BinarizeMask(BaseTransform):
    """Map a binary mask to class ids 0/1, whichever way it is stored.

    Each mask's encoding is read from its values:

    - **0/1** (no value above 1): kept as it is;
    - **0/255**: pixels ``>= threshold`` become 1 (foreground), the others
      0, so masks that were anti-aliased or re-encoded (values such as 1 or
      254 along the edges) are handled too;
    - anything else is an :class:`~linknet_mm.errors.InputError` naming
      the file: a mask with values ``>= threshold`` whose pixels of values
      1 to ``threshold - 1`` outnumber them (e.g. objects stored as 1 with
      a 255 border) fits neither encoding, and thresholding it would turn
      its objects into background.
 A mask stored in colour (H, W, 3) or with alpha (H, W, 4)
    counts a pixel as foreground if any colour channel reaches the
    threshold; alpha is ignored. Put it right after ``LoadAnnotations``:
    left at 255, the foreground would be ignored by the loss
    (``ignore_index=255``).

    Without ``gt_seg_map`` (an unlabelled image at inference, e.g. through
    mmseg's ``MMSegInferencer``) the results pass unchanged.

    Required Keys:

    - gt_seg_map

    Modified Keys:

    - gt_seg_map

    Args:
        threshold (int): Values >= threshold become 1, in [1, 255].
            Defaults to 128.
    """

    def __init__(self, threshold: int = 128) -> None:
        if not 1 <= threshold <= 255:
            raise ValueError('BinarizeMask threshold must be in [1, 255] '
                             f'for 8-bit masks, got {threshold}')
        self.threshold = threshold

    def transform(self, results: dict) -> dict:
        """Threshold ``results['gt_seg_map']``.

        Args:
            results (dict): Result dict with ``gt_seg_map`` of shape (H, W),
                (H, W, 3) or (H, W, 4).

        Returns:
            dict: ``results`` with ``gt_seg_map`` as uint8 0/1 of shape
            (H, W).
        """
        if 'gt_seg_map' not in results:  # no labels (inference)
            return results
        mask = results['gt_seg_map']
        if mask.ndim == 3:
            mask = mask[..., :3].max(axis=2)
        if mask.max() <= 1:  # stored as 0/1
            results['gt_seg_map'] = mask.astype(np.uint8)
            return results
        high = mask >= self.threshold
        low = int(np.count_nonzero(mask)) - int(np.count_nonzero(high))
        if low > np.count_nonzero(high):
            raise InputError(
                f'mask {results.get("seg_map_path", "(unnamed)")} holds '
                f'{low} pixels of values 1..{self.threshold - 1} and '
                f'{int(np.count_nonzero(high))} of values '
                f'>= {self.threshold} (values {_some_values(mask)}): '
                'expected a binary mask stored as 0/255 or as 0/1')
        results['gt_seg_map'] = high.astype(np.uint8)
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
