"""Reading inference inputs: image files and arrays, folders of images."""
from pathlib import Path
from typing import List, Optional, Union

import cv2
import mmcv
import numpy as np
from mmengine import fileio

from ..datasets.file_check import check_8_bit
from ..errors import ImageReadError

#: Image suffixes :func:`list_images` picks up (lower case).
IMAGE_SUFFIXES = ('.bmp', '.jpeg', '.jpg', '.png', '.tif', '.tiff', '.webp')

ImageInput = Union[str, Path, np.ndarray]


def read_image(path: Union[str, Path], load_cfg: dict) -> np.ndarray:
    """Read an image as the config's loader would.

    Args:
        path (str | Path): Image file.
        load_cfg (dict): Settings of the config's ``LoadImageFromFile``.

    Returns:
        np.ndarray: The image, BGR (H, W, 3) for the default
        ``color_type='color'``.
    """
    path = str(path)
    data = fileio.get(path, backend_args=load_cfg.get('backend_args'))
    check_8_bit(data[:25], path)
    try:
        img = mmcv.imfrombytes(
            data,
            flag=load_cfg.get('color_type', 'color'),
            backend=load_cfg.get('imdecode_backend', 'cv2'))
    except (cv2.error, OSError, ValueError) as error:
        raise ImageReadError(f'cannot decode image {path}: {error}') \
            from error
    if img is None:
        raise ImageReadError(f'cannot decode image {path}: not an image '
                             'format OpenCV reads, or a damaged file')
    return img


def header_problem(path: Union[str, Path]) -> Optional[str]:
    """Why an image file cannot give a prediction, from its header alone.

    Reads the first bytes only: an empty file, a 16-bit PNG
    (:func:`~linknet_mm.datasets.file_check.check_8_bit`) or a format
    OpenCV has no reader for (``cv2.haveImageReader``). A file whose header
    passes may still fail to decode (:func:`read_image` says so).

    Args:
        path (str | Path): Image file.

    Returns:
        str | None: One line naming the file and the problem, or None.
    """
    with open(path, 'rb') as f:
        head = f.read(32)
    if not head:
        return f'{path} is empty'
    try:
        check_8_bit(head, str(path))
    except ImageReadError as error:
        return str(error)
    if not cv2.haveImageReader(str(path)):
        return (f'{path} is not an image format OpenCV reads (it starts '
                f'with {head[:8]!r})')
    return None


def as_image(image: ImageInput, load_cfg: dict) -> np.ndarray:
    """An image path or array as the array the pipeline expects.

    Arrays follow the OpenCV/mmcv convention: (H, W, 3) BGR, or (H, W) /
    (H, W, 1) grey, which is repeated to 3 channels for the default
    ``color_type='color'``.

    Args:
        image (str | Path | np.ndarray): Image file or array.
        load_cfg (dict): Settings of the config's ``LoadImageFromFile``.

    Returns:
        np.ndarray: The image.
    """
    if isinstance(image, (str, Path)):
        return read_image(image, load_cfg)
    if not isinstance(image, np.ndarray):
        raise TypeError('images must be file paths or numpy arrays, got '
                        f'{type(image).__name__}')
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[..., 0]
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] != 3):
        raise ValueError('an image array must be (H, W) grey or (H, W, 3) '
                         f'BGR, got shape {image.shape}')
    if min(image.shape[:2]) < 1:
        raise ValueError(f'empty image of shape {image.shape}')
    color_type = load_cfg.get('color_type', 'color')
    if image.ndim == 2 and color_type == 'color':
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    elif image.ndim == 3 and color_type == 'grayscale':
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return image


def list_images(folder: Union[str, Path]) -> List[Path]:
    """Image files under ``folder``, recursively, in sorted order.

    Args:
        folder (str | Path): Folder to search.

    Returns:
        list[Path]: Files whose suffix is in :data:`IMAGE_SUFFIXES`.
    """
    return sorted(
        path for path in Path(folder).rglob('*')
        if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES)
