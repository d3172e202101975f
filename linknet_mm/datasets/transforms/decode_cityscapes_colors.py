"""Turn the colour label half of a Cityscapes pair into trainIds."""
import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS

from ...errors import InputError
from ..cityscapes_color_decoder import CityscapesColorDecoder

#: Below this share of palette colours, a label half is suspect ...
LABEL_MIN_FIT = 0.5
#: ... and when the photo half has more than this, the halves are swapped.
#: Measured on 256x256 halves at JPEG quality 75: real Cityscapes photos
#: 0.09-0.38 and their colour labels 0.80-0.88 (3 pairs); generated
#: photos 0.02-0.17 and labels 0.85-0.91 (30 scenes).
PHOTO_SWAPPED_FIT = 0.6


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

    Halves swapped (the photo where ``photo_side`` says the label is) are
    an :class:`~linknet_mm.errors.InputError` naming the file and the
    ``photo_side`` to use: the label half has few pixels in palette
    colours (:meth:`CityscapesColorDecoder.palette_fit` below
    :data:`LABEL_MIN_FIT`) while the photo half has many (above
    :data:`PHOTO_SWAPPED_FIT`).

    Required Keys:

    - gt_color

    Modified Keys:

    - seg_fields

    Added Keys:

    - gt_seg_map (np.uint8)

    ``gt_color`` is removed.

    Args:
        channel_order (str): Channel order of ``gt_color``: ``'bgr'`` (as
            mmcv loads images) or ``'rgb'``.
            Defaults to 'bgr'.
    """

    def __init__(self, channel_order: str = 'bgr') -> None:
        self.decoder = CityscapesColorDecoder(channel_order=channel_order)
        self.channel_order = channel_order

    def transform(self, results: dict) -> dict:
        """Decode ``results['gt_color']``.

        Args:
            results (dict): Result dict after ``SplitImagePair``.

        Returns:
            dict: ``results`` with ``gt_seg_map`` in ``seg_fields``.
        """
        if 'gt_color' not in results:  # a plain photo (inference)
            return results
        gt_seg_map, label_fit = self.decoder.decode(results.pop('gt_color'))
        self._check_not_swapped(results, label_fit)
        label_map = results.get('label_map', None)
        if label_map:
            mapped = gt_seg_map.copy()
            for old_id, new_id in label_map.items():
                mapped[gt_seg_map == old_id] = new_id
            gt_seg_map = mapped
        results['gt_seg_map'] = gt_seg_map
        results.setdefault('seg_fields', []).append('gt_seg_map')
        return results

    def _check_not_swapped(self, results: dict, label_fit: float) -> None:
        """Raise if the photo half looks like the labels and vice versa.

        Args:
            results (dict): With ``img`` and ``img_path``.
            label_fit (float): The label half's palette fit.
        """
        photo = results.get('img')
        if label_fit >= LABEL_MIN_FIT or photo is None or \
                photo.ndim != 3 or photo.dtype != np.uint8:
            return
        photo_fit = self.decoder.palette_fit(photo)
        if photo_fit <= PHOTO_SWAPPED_FIT:
            return
        side = results.get('photo_side', 'left')
        other = 'right' if side == 'left' else 'left'
        raise InputError(
            f'{results.get("img_path")}: the label half has '
            f'{label_fit:.0%} of its pixels in Cityscapes palette colours '
            f'and the photo half {photo_fit:.0%}: the halves look swapped '
            f'(photo_side={side!r}); if the photos are on the {other}, '
            f"set photo_side='{other}' in SplitImagePair")

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}("
                f"channel_order='{self.channel_order}')")
