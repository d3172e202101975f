"""Split a photo | label composite into its two halves."""
from typing import Tuple

import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS

from ...errors import InputError

PHOTO_SIDES = ('left', 'right')


def check_photo_side(photo_side: str) -> None:
    """Raise ValueError unless ``photo_side`` is ``'left'`` or ``'right'``.

    Args:
        photo_side (str): The setting to check.
    """
    if photo_side not in PHOTO_SIDES:
        raise ValueError(f'photo_side must be one of {PHOTO_SIDES}, got '
                         f'{photo_side!r}')


def split_image_pair(composite: np.ndarray, photo_side: str,
                     filename: str) -> Tuple[np.ndarray, np.ndarray]:
    """Split a composite into the photo and the colour label image.

    The dataset's file check refuses grey files and files not twice as
    wide as high when the split is listed; this refuses them too for
    composites it did not check, and a colour file whose three channels
    are equal, which only the decoded pixels show.

    Args:
        composite (np.ndarray): uint8 image of shape (H, 2H, 3).
        photo_side (str): ``'left'`` or ``'right'``: the photo's half.
        filename (str): The composite's file, for error messages.

    Returns:
        tuple[np.ndarray, np.ndarray]: The photo (contiguous copy) and the
        colour label image (a view into ``composite``), each (H, H, 3).

    Raises:
        InputError: If the composite is not 3-channel, grey (its channels
            equal), or not twice as wide as high.
    """
    if composite.ndim != 3 or composite.shape[2] != 3:
        channels = 1 if composite.ndim == 2 else composite.shape[2]
        raise InputError(
            f'{filename}: expected a 3-channel colour composite (photo | '
            f'colour label), got {channels} channel(s) (shape '
            f'{composite.shape})')
    height, width = composite.shape[:2]
    if width != 2 * height:
        raise InputError(
            f'{filename}: expected a composite twice as wide as high (photo '
            'and label side by side, 256x512 HxW in the Kaggle set), got '
            f'{height}x{width} (HxW)')
    if (composite[..., 0] == composite[..., 1]).all() and \
            (composite[..., 1] == composite[..., 2]).all():
        raise InputError(
            f'{filename}: expected a colour composite (photo | colour '
            'label), got a grey image (all three channels equal): the '
            'colour labels cannot be read from it')
    left, right = composite[:, :height], composite[:, height:]
    photo, color = (left, right) if photo_side == 'left' else (right, left)
    return np.ascontiguousarray(photo), color


@TRANSFORMS.register_module()
class SplitImagePair(BaseTransform):
    """Split a loaded photo | colour-label composite into its halves.

    Put it after mmcv's ``LoadImageFromFile``. ``img`` becomes the photo
    half; the colour label half is kept as ``gt_color`` (not a segmentation
    field, so geometric transforms leave it alone) for
    ``DecodeCityscapesColors``.

    Only samples marked ``is_composite`` (as ``CityscapesPairsDataset``
    marks its files) are split; anything else is a plain photo, e.g. at
    inference through mmseg's ``MMSegInferencer``, and passes unchanged.
    So one chain, ``LoadImageFromFile``, ``SplitImagePair``,
    ``DecodeCityscapesColors``, serves training, evaluation and inference.

    Required Keys:

    - img
    - img_path
    - is_composite (bool, optional): Whether ``img`` is a composite.

    Modified Keys:

    - img
    - img_shape
    - ori_shape

    Added Keys:

    - gt_color (np.uint8): The colour label half, (H, H, 3).
    - photo_side (str)

    Args:
        photo_side (str): Which half holds the photo, ``'left'`` (the
            Kaggle set) or ``'right'``. Defaults to 'left'.
    """

    def __init__(self, photo_side: str = 'left') -> None:
        check_photo_side(photo_side)
        self.photo_side = photo_side

    def transform(self, results: dict) -> dict:
        """Split ``results['img']``.

        Args:
            results (dict): Result dict after loading the composite.

        Returns:
            dict: ``results`` with the photo as ``img`` and ``gt_color``,
            or unchanged for a sample not marked ``is_composite``.
        """
        if not results.get('is_composite', False):
            return results
        photo, color = split_image_pair(results['img'], self.photo_side,
                                        results['img_path'])
        results.update(
            img=photo,
            gt_color=color,
            photo_side=self.photo_side,
            img_shape=photo.shape[:2],
            ori_shape=photo.shape[:2])
        return results

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(photo_side='{self.photo_side}')"
