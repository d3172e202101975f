"""Reading inference inputs: named read errors, grey arrays, folders."""
import cv2
import numpy as np
import pytest

from linknet_mm.apis.image_io import as_image, list_images, read_image
from linknet_mm.errors import ImageReadError


def test_unreadable_image_is_named(tmp_path):
    path = tmp_path / 'broken.png'
    path.write_bytes(b'\x89PNG but not really')
    with pytest.raises(ImageReadError, match='broken.png'):
        read_image(path, {})


def test_read_image_follows_the_loader_colour_type(tmp_path):
    path = tmp_path / 'grey.png'
    cv2.imwrite(str(path), np.full((5, 7), 9, np.uint8))
    assert read_image(path, {}).shape == (5, 7, 3)
    assert read_image(path, dict(color_type='grayscale')).shape == (5, 7)


def test_grey_arrays_become_bgr_for_a_colour_loader():
    grey = np.arange(12, dtype=np.uint8).reshape(3, 4)
    image = as_image(grey[..., None], {})
    assert image.shape == (3, 4, 3)
    assert (image == grey[..., None]).all()


@pytest.mark.parametrize('shape', [(4, 4, 2), (0, 4, 3), (4, )])
def test_bad_arrays_are_refused(shape):
    with pytest.raises(ValueError, match='shape'):
        as_image(np.zeros(shape, np.uint8), {})


def test_list_images_recursive_sorted_by_suffix(tmp_path):
    for name in ('b.PNG', 'a/c.jpg', 'a/notes.txt', 'z.tif'):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b'')
    found = [p.relative_to(tmp_path).as_posix() for p in list_images(tmp_path)]
    assert found == ['a/c.jpg', 'b.PNG', 'z.tif']


def test_16_bit_png_is_refused_at_inference(tmp_path):
    path = tmp_path / 'mri.png'
    cv2.imwrite(str(path), np.full((4, 4), 4000, np.uint16))
    with pytest.raises(ImageReadError, match='mri.png is a 16-bit PNG'):
        read_image(path, {})
