"""The pre-flight check of Cityscapes composites: header reading and the
one error naming every unusable file."""
import cv2
import numpy as np
import pytest

from conftest import real_data

from linknet_mm.datasets import CityscapesPairsDataset
from linknet_mm.datasets.composite_check import (check_composites,
                                                 composite_problem,
                                                 image_layout, jpeg_frame)
from linknet_mm.errors import InputError


def _encode(image, ext='.jpg'):
    ok, buf = cv2.imencode(ext, image)
    assert ok
    return buf.tobytes()


def _colour(height, width):
    rng = np.random.default_rng(0)
    return rng.integers(0, 255, (height, width, 3), dtype=np.uint8)


@pytest.mark.parametrize('shape, expected', [
    ((6, 14, 3), (6, 14, 3)),
    ((9, 5), (9, 5, 1)),
])
def test_jpeg_frame_reads_size_and_components(shape, expected):
    image = np.full(shape, 90, np.uint8)
    assert jpeg_frame(_encode(image)) == expected


def test_jpeg_without_frame_header():
    assert jpeg_frame(b'\xff\xd8\xff\xda\x00\x02') is None
    assert image_layout(b'\xff\xd8\xff\xda\x00\x02\xff\xd9') == \
        (None, 'a JPEG without a frame header')


def test_png_and_other_formats():
    assert image_layout(_encode(_colour(4, 8), '.png')) == ((4, 8, 3), '')
    assert image_layout(_encode(np.zeros((4, 8), np.uint8), '.png')) == \
        ((4, 8, 1), '')
    assert image_layout(_encode(_colour(4, 8), '.bmp')) == ((4, 8, 3), '')


@pytest.mark.parametrize('content, problem', [
    (_encode(_colour(8, 16)), None),
    (_encode(_colour(8, 8)), '8x8 (HxW), not twice as wide as high'),
    (_encode(np.zeros((8, 16), np.uint8)), 'grey (8x16 HxW, 1 channel)'),
    (_encode(_colour(8, 16))[:100], 'a truncated JPEG'),
    (b'', 'empty'),
    (b'not an image', 'truncated, corrupt or not an image'),
])
def test_composite_problem(content, problem):
    found = composite_problem(content)
    if problem is None:
        assert found is None
    else:
        assert found.startswith(problem), found


def _split(tmp_path, contents):
    split = tmp_path / 'val'
    split.mkdir()
    for name, content in contents.items():
        (split / name).write_bytes(content)
    return split


def test_check_names_every_bad_file_and_counts(tmp_path):
    split = _split(tmp_path, {
        '1.jpg': _encode(_colour(8, 16)),
        '2.jpg': _encode(_colour(8, 8)),
        '3.jpg': b'',
    })
    paths = sorted(str(p) for p in split.iterdir())
    with pytest.raises(InputError) as caught:
        check_composites('Cityscapes pairs', str(split), paths)
    message = str(caught.value)
    assert f'2 of 3 composites in {split}' in message
    assert f'{split / "2.jpg"} is 8x8 (HxW)' in message
    assert f'{split / "3.jpg"} is empty' in message
    assert '1.jpg' not in message


def test_dataset_refuses_a_square_composite_when_built(tmp_path):
    _split(tmp_path, {
        '1.jpg': _encode(_colour(8, 16)),
        '2.jpg': _encode(_colour(16, 16)),
    })
    with pytest.raises(InputError, match=r'val/2\.jpg is 16x16'):
        CityscapesPairsDataset(
            data_root=str(tmp_path), data_prefix=dict(img_path='val'))
    unchecked = CityscapesPairsDataset(
        data_root=str(tmp_path), data_prefix=dict(img_path='val'),
        check_files=False)
    assert len(unchecked) == 2


def test_real_pairs_pass():
    root = real_data('cityscapes_pairs')
    dataset = CityscapesPairsDataset(
        data_root=str(root), data_prefix=dict(img_path='val'))
    assert len(dataset) == 12
