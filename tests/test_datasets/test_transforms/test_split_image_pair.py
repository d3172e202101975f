"""SplitImagePair: numpy composite in, photo + colour half out."""
import cv2
import numpy as np
import pytest
from mmcv.transforms import LoadImageFromFile

from linknet_mm.datasets.transforms import SplitImagePair


def _composite(height=4):
    photo = np.full((height, height, 3), (10, 20, 30), np.uint8)
    color = np.full((height, height, 3), (128, 64, 128), np.uint8)  # road
    return photo, color, np.concatenate([photo, color], axis=1)


@pytest.mark.parametrize('side', ['left', 'right'])
def test_split_image_pair_cityscapes_halves(side):
    photo, color, composite = _composite()
    if side == 'right':
        composite = composite[:, ::-1]
    results = SplitImagePair(photo_side=side)(
        dict(img=composite, img_path='a.jpg', is_composite=True))
    np.testing.assert_array_equal(results['img'], photo)
    np.testing.assert_array_equal(results['gt_color'], color)
    assert results['img'].flags.c_contiguous
    assert results['img_shape'] == results['ori_shape'] == (4, 4)
    assert 'seg_fields' not in results  # Resize must not touch gt_color


def test_split_image_pair_cityscapes_after_load_image(tmp_path):
    _, _, composite = _composite(16)
    path = tmp_path / 'pair.png'
    cv2.imwrite(str(path), composite)
    results = LoadImageFromFile(color_type='unchanged')(
        dict(img_path=str(path), is_composite=True))
    results = SplitImagePair()(results)
    assert results['img'].shape == results['gt_color'].shape == (16, 16, 3)
    assert repr(SplitImagePair()) == "SplitImagePair(photo_side='left')"


@pytest.mark.parametrize('image, match', [
    (np.zeros((4, 8), np.uint8), r'3-channel .* got 1 channel'),
    (np.zeros((4, 8, 4), np.uint8), r'3-channel .* got 4 channel'),
    (np.zeros((4, 4, 3), np.uint8), r'twice as wide as high .* got 4x4'),
    (np.zeros((256, 500, 3), np.uint8), r'got 256x500 \(HxW\)'),
])
def test_split_image_pair_cityscapes_bad_composites(image, match):
    with pytest.raises(ValueError, match=match) as info:
        SplitImagePair()(
            dict(img=image, img_path='data/val/7.jpg', is_composite=True))
    assert 'data/val/7.jpg' in str(info.value)


def test_grey_composite_through_the_test_loader_is_refused(tmp_path):
    """mmcv's loader makes a grey file 3-channel; its labels are lost."""
    path = tmp_path / 'grey.jpg'
    grey = np.random.default_rng(0).integers(0, 256, (16, 32), np.uint8)
    cv2.imwrite(str(path), grey)
    results = LoadImageFromFile()(dict(img_path=str(path)))
    assert results['img'].shape == (16, 32, 3)
    results['is_composite'] = True
    with pytest.raises(ValueError, match='grey.jpg: .*got a grey image'):
        SplitImagePair()(results)


def test_split_image_pair_cityscapes_passes_plain_photos():
    """Inference inputs are photos, not composites: left untouched."""
    _, _, composite = _composite()
    results = SplitImagePair()(dict(img=composite, img_path='photo.jpg'))
    assert results['img'] is composite
    assert 'gt_color' not in results


def test_split_image_pair_cityscapes_bad_side():
    with pytest.raises(ValueError, match="photo_side must be one of"):
        SplitImagePair(photo_side='top')
