"""CheckMaskSize: a mask must have its image's size."""
import numpy as np
import pytest
from mmengine.registry import init_default_scope
from mmseg.registry import TRANSFORMS

import linknet_mm  # noqa: F401
from linknet_mm.datasets.transforms import CheckMaskSize


def _results(img_hw, mask_hw):
    return dict(
        img=np.zeros(img_hw + (3, ), np.uint8),
        ori_shape=img_hw,
        gt_seg_map=np.zeros(mask_hw, np.uint8),
        img_path='data/images/7.png',
        seg_map_path='data/masks/7.png')


def test_check_mask_size_same_size():
    init_default_scope('mmseg')
    transform = TRANSFORMS.build(dict(type='CheckMaskSize'))
    results = _results((6, 9), (6, 9))
    assert transform(results) is results


def test_check_mask_size_after_resize():
    results = _results((6, 9), (6, 9))
    results['img'] = np.zeros((12, 18, 3), np.uint8)  # test-time Resize
    assert CheckMaskSize()(results) is results


def test_check_mask_size_mismatch():
    with pytest.raises(ValueError) as err:
        CheckMaskSize()(_results((6, 9), (6, 8)))
    message = str(err.value)
    assert 'data/masks/7.png is 8x6' in message
    assert 'data/images/7.png is 9x6' in message


def test_check_mask_size_passes_unlabelled_images():
    results = dict(img=np.zeros((4, 4, 3), np.uint8), ori_shape=(4, 4))
    assert CheckMaskSize()(results) == results
