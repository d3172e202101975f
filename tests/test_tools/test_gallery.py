"""tools/analysis_tools/gallery.py: captioned panels in a grid."""
import numpy as np
import pytest

from conftest import tool_module

gallery = tool_module('analysis_tools/gallery.py')
CAPTION_HEIGHT, make_gallery = gallery.CAPTION_HEIGHT, gallery.make_gallery


def test_grid_shape_and_scaled_panels():
    panels = [np.full((100, 300, 3), v, np.uint8) for v in (10, 20, 30)]
    grid = make_gallery(panels, ['a', 'b', 'c'], width=150, columns=2)
    cell = CAPTION_HEIGHT + 50  # 300 wide -> 150: height 100 -> 50
    assert grid.shape == (2 * cell, 300, 3)
    assert (grid[CAPTION_HEIGHT:cell, :150] == 10).all()
    assert (grid[cell + CAPTION_HEIGHT:, :150] == 30).all()
    assert (grid[cell:, 150:] == 255).all()  # the empty cell is white
    assert (grid[:CAPTION_HEIGHT, :150] < 255).any()  # caption drawn


def test_captions_must_match_panels():
    with pytest.raises(ValueError, match='one caption per panel'):
        make_gallery([np.zeros((4, 4, 3), np.uint8)], [])
