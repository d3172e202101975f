"""Map a 0/255 mask to class ids 0/1."""
import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS


@TRANSFORMS.register_module()
class BinarizeMask(BaseTransform):
    """Map a 0/255 mask to class ids 0/1 by thresholding.

    Pixels ``>= threshold`` become 1 (foreground), the others 0, so masks
    that were anti-aliased or re-encoded (values such as 1 or 254) are
    handled too. A mask stored in colour (H, W, 3) or with alpha (H, W, 4)
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
        results['gt_seg_map'] = (mask >= self.threshold).astype(np.uint8)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(threshold={self.threshold})'
