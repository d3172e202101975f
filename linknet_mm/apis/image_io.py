"""Inference inputs: image files and arrays, folders, videos, checked."""
from pathlib import Path
from typing import List, Optional, Sequence, Union

import cv2
import mmcv
import numpy as np
from mmengine import fileio

from ..datasets.file_check import check_8_bit
from ..errors import ImageReadError, InputError, shorten

#: Image suffixes :func:`list_images` picks up (lower case).
IMAGE_SUFFIXES = ('.bmp', '.jpeg', '.jpg', '.png', '.tif', '.tiff', '.webp')
VIDEO_SUFFIXES = ('.avi', '.m4v', '.mkv', '.mov', '.mp4', '.mpeg', '.mpg',
                  '.webm')

ImageInput = Union[str, Path, np.ndarray]


def read_image(path: Union[str, Path], load_cfg: dict) -> np.ndarray:
    """Read an image as the config's ``LoadImageFromFile`` (settings
    ``load_cfg``) would; BGR (H, W, 3) for ``color_type='color'``."""
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
    """Why an image file cannot give a prediction, from its first bytes.

    An empty file, a 16-bit PNG, or a format OpenCV has no reader for
    (``cv2.haveImageReader``); one line naming the file, None if none. A
    file whose header passes may still fail to decode (:func:`read_image`).
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
    """An image file or array as the pipeline's loader (settings
    ``load_cfg``) gives it. Arrays follow OpenCV: (H, W, 3) BGR, or (H, W)
    / (H, W, 1) grey, repeated to 3 channels for ``color_type='color'``."""
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
    """Files under ``folder`` (recursively, sorted) with a suffix of
    :data:`IMAGE_SUFFIXES`, in any case."""
    return sorted(
        path for path in Path(folder).rglob('*')
        if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES)


def check_unique_names(paths: Sequence[Path], root: Path) -> None:
    """Raise if two images under ``root`` would write the same name."""
    seen = {}
    for path in paths:
        name = path.relative_to(root).with_suffix('')
        if name in seen:
            raise InputError(f'{seen[name]} and {path} would both be written '
                             f'as {name}.png; rename one of them')
        seen[name] = path


def input_kind(source: Path) -> str:
    """'folder', 'video' or 'image'; anything else is an InputError."""
    suffix = source.suffix.lower()
    if not source.exists():
        raise InputError(f'input {source} not found')
    if source.is_dir():
        return 'folder'
    if suffix in VIDEO_SUFFIXES:
        return 'video'
    if suffix in IMAGE_SUFFIXES:
        return 'image'
    raise InputError(f'input {source}: expected a folder, an image '
                     f'({", ".join(IMAGE_SUFFIXES)}) or a video '
                     f'({", ".join(VIDEO_SUFFIXES)})')


def check_input(source: Path) -> str:
    """Refuse an input that cannot give one prediction, before any model;
    return its kind (:func:`input_kind`). A lone image must pass
    :func:`header_problem` (else ImageReadError), a folder hold one image
    that does, and a video open (else InputError)."""
    kind = input_kind(source)
    if kind == 'image':
        problem = header_problem(source)
        if problem:
            raise ImageReadError(f'input {problem}')
    elif kind == 'folder':
        paths = list_images(source)
        if not paths:
            raise InputError(f'no images ({", ".join(IMAGE_SUFFIXES)}) '
                             f'under {source}')
        problems = [header_problem(path) for path in paths]
        if all(problems):
            raise InputError(f'none of the {len(paths)} image(s) under '
                             f'{source} is readable: {shorten(problems)}')
    else:
        open_video(source).release()
    return kind


def open_video(path: Path) -> cv2.VideoCapture:
    """An open capture of a video file, else an InputError naming it."""
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise InputError(f'cannot open video {path}: missing, damaged, or '
                         'a codec OpenCV cannot decode')
    return capture
