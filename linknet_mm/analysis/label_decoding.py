"""Scoring of the Cityscapes colour decoder, and its plain baseline.

Used by ``tools/analysis_tools/benchmark_label_decoding.py`` and the
decoder's tests: how many pixels decode to their true trainId, over all
pixels and away from class edges, for :class:`CityscapesColorDecoder` and
for plain nearest-palette decoding.
"""
from typing import Optional, Tuple

import cv2
import numpy as np

from ..datasets.cityscapes_color_decoder import (check_color_image,
                                                 palette_colors)


def nearest_palette_decode(color: np.ndarray,
                           channel_order: str = 'bgr') -> np.ndarray:
    """Decode by the nearest palette colour alone (the plain baseline).

    Args:
        color (np.ndarray): uint8 colour label image of shape (H, W, 3).
        channel_order (str): ``'bgr'`` (as mmcv and OpenCV load images) or
            ``'rgb'``. Defaults to 'bgr'.

    Returns:
        np.ndarray: uint8 trainIds of shape (H, W), 255 for void colours.
    """
    check_color_image(color, channel_order)
    colors, train_ids = palette_colors()
    if channel_order == 'bgr':
        colors = colors[:, ::-1]
    pixels = color.reshape(-1, 3).astype(np.float32)
    # |p - c|^2 = |p|^2 - 2 p.c + |c|^2; |p|^2 is the same for every c.
    scores = pixels @ (-2 * colors.T) + (colors**2).sum(1)
    return train_ids[scores.argmin(1)].reshape(color.shape[:2])


def away_from_edges(truth: np.ndarray, size: int = 3) -> np.ndarray:
    """Pixels whose ``size`` x ``size`` neighbourhood is one class.

    Args:
        truth (np.ndarray): uint8 label map (H, W).
        size (int): Side of the neighbourhood. Defaults to 3.

    Returns:
        np.ndarray: bool mask (H, W).
    """
    kernel = np.ones((size, size), np.uint8)
    return cv2.dilate(truth, kernel) == cv2.erode(truth, kernel)


def exactness(decoded: np.ndarray,
              truth: np.ndarray,
              valid: Optional[np.ndarray] = None,
              size: int = 3) -> Tuple[int, int, int, int]:
    """How many pixels decode to their true trainId.

    Args:
        decoded (np.ndarray): Decoded trainIds (H, W).
        truth (np.ndarray): True trainIds (H, W).
        valid (np.ndarray, optional): bool mask of the pixels to score;
            all when None. Defaults to None.
        size (int): Neighbourhood side for "away from edges", see
            :func:`away_from_edges`. Defaults to 3.

    Returns:
        tuple[int, int, int, int]: Correct and scored pixels, over all
        pixels and over those away from edges (sum them over images and
        divide for pooled fractions).
    """
    if valid is None:
        valid = np.ones(truth.shape, bool)
    correct = (decoded == truth) & valid
    away = away_from_edges(truth, size) & valid
    return (int(correct.sum()), int(valid.sum()), int(correct[away].sum()),
            int(away.sum()))
