"""Check that a mask has the size of its image."""
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS


@TRANSFORMS.register_module()
class CheckMaskSize(BaseTransform):
    """Raise if a mask's height and width differ from its image's.

    Without it, ``RandomResize``/``Resize`` with ``keep_ratio=True`` would
    rescale a mask of the wrong size on its own, and training would go on
    with labels that do not line up. Put it right after ``LoadAnnotations``;
    it compares with ``ori_shape``, so it may follow a test-time ``Resize``.

    Without ``gt_seg_map`` (an unlabelled image at inference, e.g. through
    mmseg's ``MMSegInferencer``) the results pass unchanged.

    Required Keys:

    - ori_shape
    - gt_seg_map
    - img_path
    - seg_map_path
    """

    def transform(self, results: dict) -> dict:
        """Compare the mask's size with the loaded image's.

        Args:
            results (dict): Result dict after ``LoadImageFromFile`` and
                ``LoadAnnotations``.

        Returns:
            dict: ``results``, unchanged.

        Raises:
            ValueError: If the sizes differ.
        """
        if 'gt_seg_map' not in results:  # no labels (inference)
            return results
        img_h, img_w = results['ori_shape'][:2]
        mask_h, mask_w = results['gt_seg_map'].shape[:2]
        if (mask_h, mask_w) != (img_h, img_w):
            raise ValueError(
                f'Mask {results["seg_map_path"]} is {mask_w}x{mask_h} '
                f'(WxH) but its image {results["img_path"]} is '
                f'{img_w}x{img_h}; expected a mask of the same size as its '
                'image')
        return results
