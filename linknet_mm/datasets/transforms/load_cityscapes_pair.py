"""Load a Kaggle Cityscapes photo | label composite and split it."""
from typing import Optional

import mmengine.fileio as fileio
import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS

from ...errors import ImageReadError
from ..broken_files import decode_image
from .split_image_pair import check_photo_side, split_into_results


def decode_composite(content: bytes, filename: str) -> np.ndarray:
    """Decode a composite file's bytes, refusing empty or truncated files.

    Args:
        content (bytes): The file's content.
        filename (str): The file, for error messages.

    Returns:
        np.ndarray: The image as stored (no channel conversion): (H, W) for
        grey, (H, W, 3) BGR for colour.

    Raises:
        ImageReadError: If the file is empty, truncated or not an image.
    """
    image, problem = decode_image(content)
    if image is None:
        raise ImageReadError(f'{filename} is {problem}; expected a JPEG '
                             'composite: re-download or remove it')
    return image


@TRANSFORMS.register_module()
class LoadCityscapesPair(BaseTransform):
    """Read a photo | colour-label composite once, check it and split it.

    Replaces ``LoadImageFromFile`` + :class:`SplitImagePair`, with errors
    that name the file for empty, truncated or undecodable files, grey
    images and composites that are not twice as wide as high. ``img`` is
    the photo (BGR); the colour label half is kept as ``gt_color`` for
    ``DecodeCityscapesColors``.

    Required Keys:

    - img_path

    Added Keys:

    - img
    - img_shape
    - ori_shape
    - gt_color (np.uint8): The colour label half (BGR), (H, H, 3).

    Args:
        photo_side (str): Which half holds the photo, ``'left'`` (the
            Kaggle set) or ``'right'``. Defaults to 'left'.
        backend_args (dict, optional): Arguments to instantiate the file
            backend, see :func:`mmengine.fileio.get`. Defaults to None.
    """

    def __init__(self,
                 photo_side: str = 'left',
                 backend_args: Optional[dict] = None) -> None:
        check_photo_side(photo_side)
        self.photo_side = photo_side
        self.backend_args = backend_args.copy() if backend_args else None

    def transform(self, results: dict) -> dict:
        """Load, check and split the composite at ``results['img_path']``.

        Args:
            results (dict): Result dict from the dataset.

        Returns:
            dict: ``results`` with ``img``, ``img_shape``, ``ori_shape`` and
            ``gt_color``.
        """
        filename = results['img_path']
        content = fileio.get(filename, backend_args=self.backend_args)
        composite = decode_composite(content, filename)
        return split_into_results(results, composite, self.photo_side)

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}(photo_side='{self.photo_side}', "
                f'backend_args={self.backend_args})')
