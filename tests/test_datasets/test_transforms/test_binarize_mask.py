"""BinarizeMask: numpy masks in, 0/1 ids out."""
import numpy as np
import pytest
from mmengine.registry import init_default_scope
from mmseg.registry import TRANSFORMS

import linknet_mm  # noqa: F401
from linknet_mm.datasets.transforms import BinarizeMask
from linknet_mm.errors import InputError


def test_binarize_mask_0_255():
    init_default_scope('mmseg')
    transform = TRANSFORMS.build(dict(type='BinarizeMask'))
    mask = np.zeros((5, 7), np.uint8)
    mask[1:3, 2:5] = 255
    out = transform(dict(gt_seg_map=mask))['gt_seg_map']
    assert out.dtype == np.uint8
    assert out.shape == (5, 7)
    np.testing.assert_array_equal(out, mask // 255)


def test_binarize_mask_anti_aliased_values():
    mask = np.array([[0, 1, 127, 128, 254, 255]], np.uint8)
    out = BinarizeMask()(dict(gt_seg_map=mask))['gt_seg_map']
    np.testing.assert_array_equal(out, [[0, 0, 0, 1, 1, 1]])
    out = BinarizeMask(threshold=1)(dict(gt_seg_map=mask))['gt_seg_map']
    np.testing.assert_array_equal(out, [[0, 1, 1, 1, 1, 1]])


def test_binarize_mask_colour_and_alpha():
    colour = np.zeros((2, 2, 3), np.uint8)
    colour[0, 0] = (0, 0, 255)  # red in BGR
    colour[1, 1] = (200, 200, 200)
    out = BinarizeMask()(dict(gt_seg_map=colour))['gt_seg_map']
    np.testing.assert_array_equal(out, [[1, 0], [0, 1]])
    with_alpha = np.concatenate(
        [colour, np.full((2, 2, 1), 255, np.uint8)], axis=2)
    out = BinarizeMask()(dict(gt_seg_map=with_alpha))['gt_seg_map']
    np.testing.assert_array_equal(out, [[1, 0], [0, 1]])


@pytest.mark.parametrize('threshold', [0, 256])
def test_binarize_mask_bad_threshold(threshold):
    with pytest.raises(ValueError, match=f'got {threshold}'):
        BinarizeMask(threshold=threshold)


def test_binarize_mask_repr():
    assert repr(BinarizeMask(100)) == 'BinarizeMask(threshold=100)'


def test_binarize_mask_passes_unlabelled_images():
    results = dict(img=np.zeros((4, 4, 3), np.uint8))
    assert BinarizeMask()(results) == results


def test_binarize_mask_0_1_kept():
    mask = np.zeros((4, 6), np.uint8)
    mask[1:3, 1:4] = 1
    out = BinarizeMask()(dict(gt_seg_map=mask))['gt_seg_map']
    np.testing.assert_array_equal(out, mask)
    # encodings are read per mask: a 0/255 mask next to it still works
    out = BinarizeMask()(dict(gt_seg_map=mask * 255))['gt_seg_map']
    np.testing.assert_array_equal(out, mask)


def test_binarize_mask_mixed_encodings_refused():
    mask = np.zeros((6, 6), np.uint8)
    mask[1:5, 1:5] = 1  # objects stored as 1 ...
    mask[0, :] = 255  # ... with a 255 border
    with pytest.raises(InputError) as error:
        BinarizeMask()(dict(gt_seg_map=mask, seg_map_path='masks/7.png'))
    message = str(error.value)
    assert 'masks/7.png' in message and 'values 0, 1, 255' in message
    assert '0/255 or as 0/1' in message


@pytest.mark.parametrize('value', [256, 65535, 1000])
def test_binarize_mask_16_bit_zero_vs_non_zero(value):
    mask = np.zeros((4, 6), np.uint16)
    mask[1:3, 1:4] = value
    out = BinarizeMask()(dict(gt_seg_map=mask))['gt_seg_map']
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, mask > 0)


def test_binarize_mask_one_value_below_the_threshold_is_foreground():
    mask = np.zeros((4, 6), np.uint8)
    mask[1:3, 1:4] = 100  # 0 and one other value: binary at any depth
    out = BinarizeMask()(dict(gt_seg_map=mask))['gt_seg_map']
    np.testing.assert_array_equal(out, mask > 0)


def test_binarize_mask_16_bit_not_binary_refused():
    mask = np.zeros((6, 6), np.uint16)
    mask[1:5, 1:5] = 256
    mask[2:4, 2:4] = 40000
    with pytest.raises(InputError) as error:
        BinarizeMask()(dict(gt_seg_map=mask, seg_map_path='masks/7.png'))
    message = str(error.value)
    assert message.startswith('mask masks/7.png (uint16) holds values '
                              '0, 256, 40000: expected a binary mask')
    assert '\n' not in message


def test_binarize_mask_all_background():
    for dtype in (np.uint8, np.uint16):
        out = BinarizeMask()(dict(gt_seg_map=np.zeros((3, 3), dtype)))
        assert out['gt_seg_map'].dtype == np.uint8
        assert not out['gt_seg_map'].any()
