"""LoadUnchangedAnnotations: masks read in the depth they were stored in."""
import cv2
import numpy as np
import pytest
from mmengine.registry import init_default_scope
from mmseg.datasets.transforms import LoadAnnotations
from mmseg.registry import TRANSFORMS

import linknet_mm  # noqa: F401
from linknet_mm.datasets.transforms import LoadUnchangedAnnotations
from linknet_mm.errors import ImageReadError, InputError


def _results(path, **kwargs):
    return dict(
        seg_map_path=str(path),
        seg_fields=[],
        reduce_zero_label=False,
        **kwargs)


@pytest.mark.parametrize('dtype, value', [(np.uint16, 256), (np.uint16, 65535),
                                          (np.uint8, 255)])
def test_mask_keeps_its_depth(tmp_path, dtype, value):
    mask = np.zeros((5, 7), dtype)
    mask[1:3, 2:5] = value
    path = tmp_path / 'mask.png'
    assert cv2.imwrite(str(path), mask)
    init_default_scope('mmseg')
    transform = TRANSFORMS.build(dict(type='LoadUnchangedAnnotations'))
    out = transform(_results(path))
    assert out['gt_seg_map'].dtype == dtype
    np.testing.assert_array_equal(out['gt_seg_map'], mask)
    assert out['seg_fields'] == ['gt_seg_map']
    if dtype == np.uint16:  # what mmseg's loader makes of it
        cast = LoadAnnotations()(_results(path))['gt_seg_map']
        assert cast.dtype == np.uint8 and cast.max() == value % 256


def test_16_bit_colour_mask_keeps_its_depth(tmp_path):
    mask = np.zeros((4, 4, 3), np.uint16)
    mask[1, 1] = (0, 0, 256)
    path = tmp_path / 'mask.png'
    assert cv2.imwrite(str(path), mask)
    out = LoadUnchangedAnnotations()(_results(path))['gt_seg_map']
    assert out.dtype == np.uint16 and out[1, 1, 2] == 256


def test_8_bit_ids_mapped_as_mmseg_does(tmp_path):
    mask = np.array([[0, 1, 2, 255]], np.uint8)
    path = tmp_path / 'mask.png'
    cv2.imwrite(str(path), mask)
    for kwargs in (dict(reduce_zero_label=True), dict(label_map={1: 2, 2: 1})):
        results = dict(_results(path), **kwargs)
        ours = LoadUnchangedAnnotations()(dict(results, seg_fields=[]))
        theirs = LoadAnnotations()(dict(results, seg_fields=[]))
        np.testing.assert_array_equal(ours['gt_seg_map'], theirs['gt_seg_map'])


def test_ids_of_a_16_bit_mask_are_refused(tmp_path):
    path = tmp_path / 'mask.png'
    cv2.imwrite(str(path), np.full((2, 2), 256, np.uint16))
    with pytest.raises(InputError, match=f'mask {path} is uint16: '):
        LoadUnchangedAnnotations()(_results(path, label_map={1: 0}))


def test_broken_mask_is_named(tmp_path):
    path = tmp_path / 'mask.png'
    path.write_bytes(b'')
    with pytest.raises(ImageReadError, match=f'{path} is empty'):
        LoadUnchangedAnnotations()(_results(path))


def test_unlabelled_image_passes():
    results = dict(img=np.zeros((4, 4, 3), np.uint8))
    assert LoadUnchangedAnnotations()(results) == results
