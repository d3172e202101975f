"""Plain OpenCV overlays: palette lookup, blending, FPS text."""
import numpy as np
import pytest

from linknet_mm.visualization.overlay import colorize, draw_fps, overlay

PALETTE = [(255, 0, 0), (0, 0, 255)]  # RGB: class 0 red, class 1 blue


def test_colorize_is_bgr_and_unknown_ids_black():
    label_map = np.array([[0, 1, 255]])
    colours = colorize(label_map, PALETTE)
    assert colours.tolist() == [[[0, 0, 255], [255, 0, 0], [0, 0, 0]]]


def test_overlay_blends_grey_image_with_colours():
    image = np.full((1, 2), 100, np.uint8)
    blended = overlay(image, np.array([[0, 1]]), PALETTE, opacity=0.5)
    # BGR: red pixel (0, 0, 255), blue pixel (255, 0, 0), each half-weight
    assert blended.tolist() == [[[50, 50, 178], [178, 50, 50]]]


@pytest.mark.parametrize('kwargs, match', [
    (dict(opacity=1.5), r'opacity must be in \[0, 1\]'),
    (dict(label_map=np.zeros((3, 3), int)), r'label map \(3, 3\)'),
])
def test_overlay_refuses_bad_input(kwargs, match):
    args = dict(image=np.zeros((2, 2, 3), np.uint8),
                label_map=np.zeros((2, 2), int), palette=PALETTE)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        overlay(**args)


def test_draw_fps_writes_into_the_frame():
    frame = np.zeros((120, 160, 3), np.uint8)
    assert draw_fps(frame, 12.5) is frame
    assert frame.any()
