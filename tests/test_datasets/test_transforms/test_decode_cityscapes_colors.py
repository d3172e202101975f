"""DecodeCityscapesColors: colour half in, trainIds in seg_fields out."""
import numpy as np
import pytest

from linknet_mm.datasets.cityscapes_labels import PALETTE
from linknet_mm.datasets.transforms import DecodeCityscapesColors


def _color_half():
    """Left half road, right half car (BGR), 8x8."""
    half = np.empty((8, 8, 3), np.uint8)
    half[:, :4] = PALETTE[0][::-1]
    half[:, 4:] = PALETTE[13][::-1]
    return half


def test_decode_cityscapes_colors():
    results = DecodeCityscapesColors()(
        dict(gt_color=_color_half(), seg_fields=[]))
    gt = results['gt_seg_map']
    assert gt.dtype == np.uint8 and gt.shape == (8, 8)
    assert (gt[:, :3] == 0).all() and (gt[:, 5:] == 13).all()
    assert results['seg_fields'] == ['gt_seg_map']
    assert 'gt_color' not in results


def test_decode_cityscapes_colors_rgb_and_label_map():
    transform = DecodeCityscapesColors(channel_order='rgb')
    assert repr(transform) == "DecodeCityscapesColors(channel_order='rgb')"
    results = transform(
        dict(
            gt_color=_color_half()[..., ::-1].copy(),
            label_map={
                0: 255,
                13: 0
            }))
    gt = results['gt_seg_map']
    assert (gt[:, :3] == 255).all() and (gt[:, 5:] == 0).all()
    assert results['seg_fields'] == ['gt_seg_map']


def test_decode_cityscapes_colors_bad_channel_order():
    with pytest.raises(ValueError, match='channel_order must be one of'):
        DecodeCityscapesColors(channel_order='yuv')


def test_decode_passes_images_without_a_colour_half():
    results = dict(img=np.zeros((4, 4, 3), np.uint8))
    out = DecodeCityscapesColors()(dict(results))
    assert 'gt_seg_map' not in out and out.keys() == results.keys()
