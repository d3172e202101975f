"""LoadCityscapesPair: real JPEG files, and every kind of broken file."""
import cv2
import numpy as np
import pytest

from conftest import tool_module
from linknet_mm.datasets.transforms import LoadCityscapesPair

_synthetic = tool_module('misc/synthetic_cityscapes_pairs.py')
encode_jpeg = _synthetic.encode_jpeg
render_cityscapes_pair = _synthetic.render_cityscapes_pair


@pytest.fixture(scope='module')
def content():
    composite, _ = render_cityscapes_pair(np.random.default_rng(3))
    return encode_jpeg(composite, 90)


def _load(path, **kwargs):
    return LoadCityscapesPair(**kwargs)(dict(img_path=str(path)))


@pytest.mark.parametrize('side', ['left', 'right'])
def test_load_cityscapes_pair(tmp_path, content, side):
    path = tmp_path / '1.jpg'
    path.write_bytes(content)
    results = _load(path, photo_side=side)
    composite = cv2.imdecode(np.frombuffer(content, np.uint8), 1)
    photo, color = composite[:, :256], composite[:, 256:]
    if side == 'right':
        photo, color = color, photo
    np.testing.assert_array_equal(results['img'], photo)
    np.testing.assert_array_equal(results['gt_color'], color)
    assert results['img_shape'] == results['ori_shape'] == (256, 256)


def test_load_cityscapes_pair_truncated_jpeg(tmp_path, content):
    for name, cut in (('a.jpg', len(content) // 2), ('b.jpg', -2)):
        path = tmp_path / name
        path.write_bytes(content[:cut])
        with pytest.raises(ValueError, match='truncated') as info:
            _load(path)
        assert str(path) in str(info.value)


@pytest.mark.parametrize('data, match', [
    (b'', 'is empty'),
    (b'not an image at all', 'is truncated, corrupt or not an image'),
])
def test_load_cityscapes_pair_unreadable(tmp_path, data, match):
    path = tmp_path / 'x.jpg'
    path.write_bytes(data)
    with pytest.raises(ValueError, match=match) as info:
        _load(path)
    assert str(path) in str(info.value)


def test_load_cityscapes_pair_grey_jpeg(tmp_path, content):
    composite = cv2.imdecode(np.frombuffer(content, np.uint8), 1)
    path = tmp_path / 'grey.jpg'
    cv2.imwrite(str(path), cv2.cvtColor(composite, cv2.COLOR_BGR2GRAY))
    with pytest.raises(ValueError, match='3-channel') as info:
        _load(path)
    assert str(path) in str(info.value)


def test_load_cityscapes_pair_not_two_to_one(tmp_path, content):
    composite = cv2.imdecode(np.frombuffer(content, np.uint8), 1)
    path = tmp_path / 'square.jpg'
    cv2.imwrite(str(path), composite[:, :256])
    with pytest.raises(ValueError, match='twice as wide') as info:
        _load(path)
    assert str(path) in str(info.value)


def test_load_cityscapes_pair_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        _load(tmp_path / 'missing.jpg')


def test_load_cityscapes_pair_bad_side():
    with pytest.raises(ValueError, match='photo_side must be one of'):
        LoadCityscapesPair(photo_side='middle')
