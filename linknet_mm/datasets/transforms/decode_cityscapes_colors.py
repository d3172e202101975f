"""Turn the colour label half of a Cityscapes pair into trainIds."""
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS

from ..cityscapes_color_decoder import CityscapesColorDecoder


@TRANSFORMS.register_module()
class DecodeCityscapesColors(BaseTransform):
    """Decode ``gt_color`` (a JPEG'd colour label image) to ``gt_seg_map``.

    Uses :class:`~linknet_mm.datasets.cityscapes_color_decoder.
    CityscapesColorDecoder`: uint8 trainIds 0-18, 255 for the void colours
    and ignored labels. Like mmseg's ``LoadAnnotations`` it applies the
    dataset's ``label_map`` (set when ``metainfo`` picks a subset of the
    classes) and registers the map in ``seg_fields``, so the standard
    pipeline runs unchanged after it. Put it where ``LoadAnnotations``
    would go: in a test pipeline after ``Resize``, so that metrics are
    computed at the original size.

    Without ``gt_color`` (an unlabelled image at inference, e.g. through
    mmseg's ``MMSegInferencer``) the results pass unchanged.

    Required Keys:

    - gt_color

    Modified Keys:

    - seg_fields

    Added Keys:

    - gt_seg_map (np.uint8)

    ``gt_color`` is removed.

    Args:
        channel_order (str): Channel order of ``gt_color``: ``'bgr'`` (as
            ``LoadCityscapesPair`` and mmcv load images) or ``'rgb'``.
            Defaults to 'bgr'.
    """

    def __init__(self, channel_order: str = 'bgr') -> None:
        self.decoder = CityscapesColorDecoder(channel_order=channel_order)
        self.channel_order = channel_order

    def transform(self, results: dict) -> dict:
        """Decode ``results['gt_color']``.

        Args:
            results (dict): Result dict after ``LoadCityscapesPair`` or
                ``SplitImagePair``.

        Returns:
            dict: ``results`` with ``gt_seg_map`` in ``seg_fields``.
        """
        if 'gt_color' not in results:  # a plain photo (inference)
            return results
        gt_seg_map = self.decoder(results.pop('gt_color'))
        label_map = results.get('label_map', None)
        if label_map:
            mapped = gt_seg_map.copy()
            for old_id, new_id in label_map.items():
                mapped[gt_seg_map == old_id] = new_id
            gt_seg_map = mapped
        results['gt_seg_map'] = gt_seg_map
        results.setdefault('seg_fields', []).append('gt_seg_map')
        return results

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}("
                f"channel_order='{self.channel_order}')")
