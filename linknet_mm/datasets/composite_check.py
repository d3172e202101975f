"""Check every photo | label composite of a split before a run starts.

A square, truncated or grey file among thousands would otherwise stop
training or testing when the sampler reaches it, possibly an hour in. The
check reads each file's header (a JPEG's frame header and end marker, a
PNG's IHDR), so it costs a file read, not a decode; files of other formats
are decoded.
"""
import struct
from typing import Optional, Sequence, Tuple

import mmengine.fileio as fileio

from ..errors import InputError, shorten
from .broken_files import (JPEG_START, PNG_START, decode_image,
                           truncated_jpeg)

#: JPEG start-of-frame markers (0xC0-0xCF without DHT, JPG and DAC).
SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
#: PNG colour types without colour: grey and grey + alpha.
PNG_GREY = (0, 4)


def jpeg_frame(content: bytes) -> Optional[Tuple[int, int, int]]:
    """Height, width and number of components from a JPEG's frame header.

    Args:
        content (bytes): The file's content, starting with the SOI marker.

    Returns:
        tuple[int, int, int] | None: (height, width, components), or None
        if no frame header precedes the image data.
    """
    pos = 2
    while pos + 4 <= len(content):
        if content[pos] != 0xFF:
            return None
        marker = content[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xDA:  # start of scan: no frame header before it
            return None
        (length, ) = struct.unpack('>H', content[pos + 2:pos + 4])
        if marker in SOF_MARKERS:
            if pos + 10 > len(content):
                return None
            height, width = struct.unpack('>HH', content[pos + 5:pos + 9])
            return height, width, content[pos + 9]
        pos += 2 + length
    return None


def image_layout(content: bytes) -> Tuple[Optional[Tuple[int, int, int]],
                                          str]:
    """Size and channels of an image file, or why it has none.

    Args:
        content (bytes): The file's content.

    Returns:
        tuple: ((height, width, channels), '') or (None, the reason).
    """
    if not content:
        return None, 'empty'
    if truncated_jpeg(content):
        return None, 'a truncated JPEG (no end-of-image marker)'
    if content.startswith(JPEG_START):
        frame = jpeg_frame(content)
        return (frame, '') if frame else (None, 'a JPEG without a frame '
                                          'header')
    if content.startswith(PNG_START) and len(content) >= 26:
        width, height = struct.unpack('>II', content[16:24])
        return (height, width, 1 if content[25] in PNG_GREY else 3), ''
    image, problem = decode_image(content)
    if image is None:
        return None, problem
    return (*image.shape[:2], 1 if image.ndim == 2 else image.shape[2]), ''


def composite_problem(content: bytes) -> Optional[str]:
    """What makes a file unusable as a photo | colour label composite.

    Args:
        content (bytes): The file's content.

    Returns:
        str | None: The problem, or None for a colour image twice as wide
        as high. A colour file whose three channels are equal passes here
        and is refused when loaded (:func:`split_image_pair`).
    """
    layout, problem = image_layout(content)
    if layout is None:
        return problem
    height, width, channels = layout
    if channels == 1:
        return f'grey ({height}x{width} HxW, 1 channel): no colour labels'
    if width != 2 * height:
        return (f'{height}x{width} (HxW), not twice as wide as high (photo '
                'and label side by side)')
    return None


def check_composites(title: str,
                     folder: str,
                     paths: Sequence[str],
                     backend_args: Optional[dict] = None) -> None:
    """Raise one error naming every unusable composite of a split.

    Args:
        title (str): The dataset, as messages name it.
        folder (str): The split folder, for the message.
        paths (Sequence[str]): The composites.
        backend_args (dict, optional): mmengine file backend arguments.

    Raises:
        InputError: If any file is empty, truncated, grey, not an image,
            or not twice as wide as high.
    """
    problems = []
    for path in paths:
        problem = composite_problem(
            fileio.get(path, backend_args=backend_args))
        if problem:
            problems.append(f'{path} is {problem}')
    if problems:
        raise InputError(
            f'{title}: {len(problems)} of {len(paths)} composites in '
            f'{folder} cannot be used: {shorten(problems, 5)}; re-download '
            'or remove them (or set check_files=False to find them one by '
            'one during the run)')
