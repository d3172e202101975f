"""The inference pipeline: a config's test pipeline without annotations."""
from pathlib import Path
from typing import List, Sequence, Tuple, Union

import cv2
import mmcv
import numpy as np
from mmengine import fileio
from mmengine.dataset import Compose

from ..errors import ImageReadError

#: Test-pipeline transforms left out at inference: they load or check
#: labels, or split a photo | label composite (Cityscapes pairs), while
#: inference inputs are plain photos.
ANNOTATION_TRANSFORMS = frozenset({
    'LoadAnnotations', 'LoadBiomedicalAnnotation', 'LoadDepthAnnotation',
    'CheckMaskSize', 'BinarizeMask', 'SplitImagePair', 'DecodeCityscapesColors'
})
#: Image loaders an inference pipeline may start with; each is replaced by
#: ``LoadImageFromNDArray`` (a ``LoadCityscapesPair`` then loads a photo).
IMAGE_LOADERS = frozenset(
    {'LoadImageFromFile', 'LoadImageFromNDArray', 'LoadCityscapesPair'})
#: Image suffixes :func:`list_images` picks up (lower case).
IMAGE_SUFFIXES = ('.bmp', '.jpeg', '.jpg', '.png', '.tif', '.tiff', '.webp')

ImageInput = Union[str, Path, np.ndarray]


def _type_name(transform: dict) -> str:
    """The bare class name of a transform config, without a scope."""
    kind = transform['type']
    name = kind if isinstance(kind, str) else kind.__name__
    return name.rsplit('.', 1)[-1]


def inference_pipeline(
        test_pipeline: Sequence[dict],
        config_name: str = 'the config') -> Tuple[dict, Compose]:
    """Turn a config's ``test_pipeline`` into one for unlabelled images.

    The loader is replaced by ``LoadImageFromNDArray`` (images are read by
    :func:`read_image` with the loader's settings, so unreadable files can
    be reported by name), and the transforms in
    :data:`ANNOTATION_TRANSFORMS` are left out. Everything else (resizing,
    normalising steps, ``PackSegInputs``) stays.

    Args:
        test_pipeline (Sequence[dict]): The config's ``test_pipeline``.
        config_name (str): How to name the config in errors. Defaults to
            'the config'.

    Returns:
        tuple[dict, Compose]: The loader's config (``color_type``,
        ``imdecode_backend``, ``backend_args``, ...) and the pipeline that
        takes ``dict(img=array)``.
    """
    if not test_pipeline or _type_name(test_pipeline[0]) not in IMAGE_LOADERS:
        first = _type_name(test_pipeline[0]) if test_pipeline else None
        raise ValueError(
            f'test_pipeline of {config_name} must start with one of '
            f'{sorted(IMAGE_LOADERS)} to run inference on images, got '
            f'{first!r}')
    load_cfg = dict(test_pipeline[0])
    steps = [
        dict(
            type='LoadImageFromNDArray',
            to_float32=load_cfg.get('to_float32', False))
    ]
    steps += [
        dict(step) for step in test_pipeline[1:]
        if _type_name(step) not in ANNOTATION_TRANSFORMS
    ]
    return load_cfg, Compose(steps)


def read_image(path: Union[str, Path], load_cfg: dict) -> np.ndarray:
    """Read an image as the config's loader would.

    Args:
        path (str | Path): Image file.
        load_cfg (dict): Loader config from :func:`inference_pipeline`.

    Returns:
        np.ndarray: The image, BGR (H, W, 3) for the default
        ``color_type='color'``.
    """
    path = str(path)
    data = fileio.get(path, backend_args=load_cfg.get('backend_args'))
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


def as_image(image: ImageInput, load_cfg: dict) -> np.ndarray:
    """An image path or array as the array the pipeline expects.

    Arrays follow the OpenCV/mmcv convention: (H, W, 3) BGR, or (H, W) /
    (H, W, 1) grey, which is repeated to 3 channels for the default
    ``color_type='color'``.

    Args:
        image (str | Path | np.ndarray): Image file or array.
        load_cfg (dict): Loader config from :func:`inference_pipeline`.

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
