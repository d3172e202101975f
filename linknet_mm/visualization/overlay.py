"""Plain OpenCV overlays of label maps, for images and video frames.

Palette colours, overlays on the image and the FPS counter that
``tools/infer.py`` draws on every frame; :class:`TripletSegVisualizer`
(mmseg's visualizer) draws the image | truth | prediction panels of tests.
"""
from typing import Sequence

import cv2
import numpy as np


def colorize(label_map: np.ndarray,
             palette: Sequence[Sequence[int]]) -> np.ndarray:
    """Colour a label map with a palette.

    Args:
        label_map (np.ndarray): (H, W) class ids.
        palette (Sequence[Sequence[int]]): RGB colour of each class.

    Returns:
        np.ndarray: (H, W, 3) uint8 BGR image (OpenCV's order); ids
        outside the palette (e.g. 255) are black.
    """
    lut = np.zeros((256, 3), np.uint8)
    colors = np.asarray(palette, np.uint8)[:256, ::-1]
    lut[:len(colors)] = colors
    return lut[np.clip(label_map, 0, 255).astype(np.uint8)]


def overlay(image: np.ndarray,
            label_map: np.ndarray,
            palette: Sequence[Sequence[int]],
            opacity: float = 0.5) -> np.ndarray:
    """Blend the coloured label map over the image.

    Args:
        image (np.ndarray): (H, W, 3) BGR or (H, W) grey uint8 image.
        label_map (np.ndarray): (H, W) class ids of the same size.
        palette (Sequence[Sequence[int]]): RGB colour of each class.
        opacity (float): Weight of the colours, in [0, 1]. Defaults to 0.5.

    Returns:
        np.ndarray: (H, W, 3) uint8 BGR image.
    """
    if not 0 <= opacity <= 1:
        raise ValueError(f'opacity must be in [0, 1], got {opacity}')
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[:2] != label_map.shape[:2]:
        raise ValueError(f'label map {label_map.shape[:2]} and image '
                         f'{image.shape[:2]} differ in size')
    return cv2.addWeighted(
        image.astype(np.uint8), 1 - opacity, colorize(label_map, palette),
        opacity, 0)


def draw_fps(image: np.ndarray, fps: float) -> np.ndarray:
    """Write ``'{fps:.1f} FPS'`` in the top-left corner, in place.

    Args:
        image (np.ndarray): (H, W, 3) BGR frame.
        fps (float): Frames per second to show.

    Returns:
        np.ndarray: ``image``.
    """
    scale = max(image.shape[0] / 720, 0.4)
    origin = (int(10 * scale), int(35 * scale))
    text = f'{fps:.1f} FPS'
    for color, thickness in (((0, 0, 0), 4), ((255, 255, 255), 2)):
        cv2.putText(image, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale,
                    color, max(1, int(thickness * scale)), cv2.LINE_AA)
    return image
