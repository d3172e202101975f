"""decode_problem and check_8_bit: why an image file cannot be used."""
import cv2
import numpy as np
import pytest

from linknet_mm.datasets.broken_files import check_8_bit, decode_problem
from linknet_mm.errors import ImageReadError


def _encoded(suffix, image):
    return cv2.imencode(suffix, image)[1].tobytes()


def test_decode_problem_names_each_case():
    jpeg = _encoded('.jpg', np.full((8, 8, 3), 90, np.uint8))
    assert decode_problem(jpeg) is None
    assert decode_problem(b'') == 'empty'
    assert decode_problem(jpeg[:len(jpeg) // 2]).startswith('a truncated JPEG')
    assert decode_problem(b'plain text') == \
        'truncated, corrupt or not an image'


def test_check_8_bit_refuses_only_16_bit_pngs():
    eight = _encoded('.png', np.zeros((4, 4), np.uint8))
    sixteen = _encoded('.png', np.full((4, 4), 4095, np.uint16))
    check_8_bit(eight, 'a.png')
    check_8_bit(_encoded('.jpg', np.zeros((4, 4), np.uint8)), 'a.jpg')
    with pytest.raises(ImageReadError, match='b.png is a 16-bit PNG'):
        check_8_bit(sixteen[:25], 'b.png')
