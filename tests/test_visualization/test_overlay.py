"""Plain OpenCV overlays: palette lookup, blending, FPS text."""
import cv2
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
    args = dict(
        image=np.zeros((2, 2, 3), np.uint8),
        label_map=np.zeros((2, 2), int),
        palette=PALETTE)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        overlay(**args)


def test_draw_fps_writes_white_text_in_the_top_left_corner():
    frame = np.zeros((120, 160, 3), np.uint8)
    assert draw_fps(frame, 12.5) is frame
    # scale 0.4 for 120 rows: text at (4, 14), in OpenCV's box of it
    (width, height), baseline = cv2.getTextSize('12.5 FPS',
                                                cv2.FONT_HERSHEY_SIMPLEX, 0.4,
                                                1)
    ys, xs = np.nonzero(frame.any(axis=2))
    assert xs.min() >= 4 - 2 and xs.max() <= 4 + width + 2
    assert ys.min() >= 14 - height - 2 and ys.max() <= 14 + baseline + 2
    assert (frame[..., 0] == frame[..., 1]).all()  # grey levels only
    assert (frame[..., 0] == frame[..., 2]).all()
    assert frame.max() == 255  # white strokes (over a black outline)
    other = draw_fps(np.zeros_like(frame), 99.9)
    assert not np.array_equal(other, frame)
