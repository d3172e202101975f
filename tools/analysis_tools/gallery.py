"""A grid of captioned panels, for figures in READMEs and reports."""
from typing import Sequence

import cv2
import numpy as np

CAPTION_HEIGHT = 22


def captioned(panel: np.ndarray, caption: str, width: int) -> np.ndarray:
    """Scale ``panel`` to ``width`` and put a caption bar above it.

    Args:
        panel (np.ndarray): An image (H, W, 3), uint8.
        caption (str): One line of text.
        width (int): Output width in pixels.

    Returns:
        np.ndarray: The captioned panel, ``width`` wide.
    """
    height = max(1, round(panel.shape[0] * width / panel.shape[1]))
    scaled = cv2.resize(panel, (width, height), interpolation=cv2.INTER_AREA)
    bar = np.full((CAPTION_HEIGHT, width, 3), 255, np.uint8)
    cv2.putText(bar, caption, (4, CAPTION_HEIGHT - 7),
                cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 1, cv2.LINE_AA)
    return np.concatenate([bar, scaled])


def make_gallery(panels: Sequence[np.ndarray], captions: Sequence[str],
                 width: int = 576, columns: int = 2) -> np.ndarray:
    """Arrange captioned panels in a grid, row by row.

    Args:
        panels (Sequence[np.ndarray]): Images (H, W, 3), uint8, of any size.
        captions (Sequence[str]): One caption per panel.
        width (int): Width of every panel in the grid. Defaults to 576.
        columns (int): Panels per row. Defaults to 2.

    Returns:
        np.ndarray: The grid; empty cells are white.
    """
    if len(panels) != len(captions) or not panels:
        raise ValueError('make_gallery needs one caption per panel and at '
                         f'least one panel, got {len(panels)} panels and '
                         f'{len(captions)} captions')
    cells = [captioned(p, c, width) for p, c in zip(panels, captions)]
    height = max(cell.shape[0] for cell in cells)
    columns = min(columns, len(cells))
    rows = -(-len(cells) // columns)
    grid = np.full((rows * height, columns * width, 3), 255, np.uint8)
    for index, cell in enumerate(cells):
        top, left = (index // columns) * height, (index % columns) * width
        grid[top:top + cell.shape[0], left:left + width] = cell
    return grid
