"""The one file check: folders with a download hint, each file's header,
and the one error naming every unusable composite."""
import cv2
import numpy as np
import pytest

from conftest import real_data

from linknet_mm.datasets import CityscapesPairsDataset
from linknet_mm.datasets.file_check import (check_8_bit, check_composites,
                                            composite_problem, file_info,
                                            kaggle_hint, list_files)
from linknet_mm.errors import DatasetNotFoundError, ImageReadError, InputError

HINT = kaggle_hint('owner/set', 'unzip it here')


def _encode(image, ext='.jpg'):
    ok, buf = cv2.imencode(ext, image)
    assert ok
    return buf.tobytes()


def _colour(height, width):
    rng = np.random.default_rng(0)
    return rng.integers(0, 255, (height, width, 3), dtype=np.uint8)


def test_hint_names_the_set_and_its_page():
    assert HINT == ("Download the Kaggle data set 'owner/set' "
                    '(https://www.kaggle.com/datasets/owner/set) and unzip '
                    'it here.')


def test_missing_root_then_missing_folder(tmp_path):
    with pytest.raises(DatasetNotFoundError,
                       match=r'^Set data_root .*nowhere does not exist\. '
                       r"Download the Kaggle data set 'owner/set'"):
        list_files('Set', [], '.png', HINT, str(tmp_path / 'nowhere'))
    with pytest.raises(DatasetNotFoundError,
                       match=r'^Set image folder .*images does not exist'):
        list_files('Set', [('image folder', str(tmp_path / 'images'))],
                   '.png', HINT, str(tmp_path))


def test_list_files_sorted_and_empty_folder_refused(tmp_path):
    for name in ('b.png', 'a.png', 'c.jpg'):
        (tmp_path / name).touch()
    assert list_files('Set', [('folder', str(tmp_path))], '.png',
                      HINT) == [['a.png', 'b.png']]
    with pytest.raises(DatasetNotFoundError,
                       match=r'^Set folder .* has no \*\.tif files\. Down'):
        list_files('Set', [('folder', str(tmp_path))], '.tif', HINT)


@pytest.mark.parametrize('image, ext, size, grey, bits', [
    (_colour(6, 14), '.jpg', (14, 6), False, 8),
    (np.full((9, 5), 90, np.uint8), '.jpg', (5, 9), True, 8),
    (_colour(4, 8), '.png', (8, 4), False, 8),
    (np.zeros((4, 8), np.uint8), '.png', (8, 4), True, 8),
    (np.full((4, 8), 4095, np.uint16), '.png', (8, 4), True, 16),
    (_colour(4, 8), '.bmp', (8, 4), False, 8),
])
def test_file_info_reads_the_header(tmp_path, image, ext, size, grey, bits):
    path = tmp_path / f'a{ext}'
    path.write_bytes(_encode(image, ext))
    assert file_info(str(path)) == (size, grey, bits, '')


def test_check_8_bit_refuses_only_16_bit_pngs():
    eight = _encode(np.zeros((4, 4), np.uint8), '.png')
    sixteen = _encode(np.full((4, 4), 4095, np.uint16), '.png')
    check_8_bit(eight, 'a.png')
    check_8_bit(_encode(np.zeros((4, 4), np.uint8)), 'a.jpg')
    with pytest.raises(ImageReadError, match='b.png is a 16-bit PNG'):
        check_8_bit(sixteen[:25], 'b.png')


@pytest.mark.parametrize('content, problem', [
    (_encode(_colour(8, 16)), None),
    (_encode(_colour(8, 8)), '8x8 (HxW), not twice as wide as high'),
    (_encode(np.zeros((8, 16), np.uint8)), 'grey (8x16 HxW, 1 channel)'),
    (_encode(_colour(8, 16))[:100], 'a truncated JPEG'),
    (_encode(_colour(8, 16), '.png')[:60], 'truncated or corrupt'),
    (b'\xff\xd8\xff\xda\x00\x02\xff\xd9', 'not an image'),  # no frame
    (b'', 'empty'),
    (b'not an image', 'not an image'),
])
def test_composite_problem(tmp_path, content, problem):
    path = tmp_path / 'a.jpg'
    path.write_bytes(content)
    found = composite_problem(str(path))
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
