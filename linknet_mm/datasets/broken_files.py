"""Name the image or mask file that broke a dataset's pipeline."""
import os.path as osp
from typing import Any, Optional, Tuple

import cv2
import mmengine.fileio as fileio
import numpy as np

from ..errors import ImageReadError

JPEG_START, JPEG_END = b'\xff\xd8', b'\xff\xd9'
PNG_START = b'\x89PNG\r\n\x1a\n'


def png_bit_depth(head: bytes) -> int:
    """Bits per channel of a PNG (its IHDR), 8 for any other file.

    Args:
        head (bytes): The file's first 25 bytes or more.

    Returns:
        int: The bit depth.
    """
    return head[24] if head.startswith(PNG_START) and len(head) > 24 else 8


def check_8_bit(head: bytes, filename: str) -> None:
    """Refuse a 16-bit PNG, which the 8-bit loaders would darken.

    mmcv and OpenCV load a 16-bit PNG as 8 bits by dropping the low byte:
    MRI slices that use 12 of the 16 bits come out almost black (at most
    15 of 255) and would be trained on or segmented without a word.

    Args:
        head (bytes): The file's first 25 bytes or more.
        filename (str): The file, for the message.

    Raises:
        ImageReadError: For a PNG of 16 bits per channel.
    """
    if png_bit_depth(head) == 16:
        raise ImageReadError(
            f'{filename} is a 16-bit PNG; the 8-bit loaders keep only its '
            'high byte (an almost black image when the data use 12 bits). '
            'Convert it to 8 bits over the range its values use, e.g. '
            'cv2.normalize(img, None, 0, 255, cv2.NORM_MINMAX, cv2.CV_8U)')


def truncated_jpeg(content: bytes) -> bool:
    """Whether ``content`` is a JPEG without its end-of-image marker.

    Args:
        content (bytes): An image file's content.

    Returns:
        bool: True for a JPEG cut short (trailing zero padding allowed).
    """
    return content.startswith(JPEG_START) and jpeg_end_missing(content)


def jpeg_end_missing(tail: bytes) -> bool:
    """Whether a JPEG's last bytes lack its end-of-image marker.

    Args:
        tail (bytes): The file's content, or its last bytes.

    Returns:
        bool: True when no end marker ends them (trailing zero padding
        allowed).
    """
    return not tail.rstrip(b'\0').endswith(JPEG_END)


def decode_image(content: bytes) -> Tuple[Optional[np.ndarray], str]:
    """Decode an image file's bytes as stored, or say why they do not.

    A JPEG must end with its end-of-image marker: depending on the version,
    OpenCV decodes a truncated JPEG to an image whose missing part is grey,
    with only a warning.

    Args:
        content (bytes): The file's content.

    Returns:
        tuple[np.ndarray | None, str]: The image (no channel conversion)
        and '', or None and 'empty', 'a truncated JPEG (no end-of-image
        marker)' or 'truncated, corrupt or not an image'.
    """
    if not content:
        return None, 'empty'
    if truncated_jpeg(content):
        return None, 'a truncated JPEG (no end-of-image marker)'
    image = cv2.imdecode(
        np.frombuffer(content, np.uint8), cv2.IMREAD_UNCHANGED)
    if image is None:
        return None, 'truncated, corrupt or not an image'
    return image, ''


def decode_problem(content: bytes) -> Optional[str]:
    """Why an image file's bytes do not decode (:func:`decode_image`), or
    None if they do.

    Args:
        content (bytes): The file's content.

    Returns:
        str, optional: The reason.
    """
    return decode_image(content)[1] or None


class NamesBrokenFiles:
    """Dataset mixin: a pipeline failure on a file that does not decode
    names the file.

    mmcv's ``LoadImageFromFile`` fails on an empty, truncated or non-image
    file with an ``AssertionError`` or a ``cv2.error``, and mmseg's
    ``LoadAnnotations`` (Pillow) with an ``OSError``, without naming the
    file. A 16-bit PNG image is refused before loading (see
    :func:`check_8_bit`). When the pipeline fails, the sample's image and
    mask are checked and a broken one is an
    :class:`~linknet_mm.errors.ImageReadError` naming it (the original
    error chained); other errors pass through unchanged. Put it before
    the mmseg dataset class in the bases.
    """

    def prepare_data(self, idx: int) -> Any:
        """Run the pipeline on one sample, naming a file that is broken.

        Args:
            idx (int): Index of the sample.

        Returns:
            Any: What the pipeline returns.
        """
        info = self.get_data_info(idx)
        if osp.isfile(info.get('img_path') or ''):
            with open(info['img_path'], 'rb') as f:
                check_8_bit(f.read(25), info['img_path'])
        try:
            return super().prepare_data(idx)
        except Exception as err:
            paths = dict.fromkeys(
                info[key] for key in ('img_path', 'seg_map_path')
                if info.get(key))
            problems = [(path, decode_problem(
                fileio.get(path, backend_args=self.backend_args)))
                        for path in paths]
            broken = [f'{path} is {why}' for path, why in problems if why]
            if not broken:
                raise
            raise ImageReadError('; '.join(broken) + ': re-download or '
                                 'remove it') from err
