"""make_brain_tumor: the real format, tumour size and determinism."""
import os

import numpy as np
import pytest
from PIL import Image

from conftest import tool_module

make_brain_tumor = tool_module(
    'misc/synthetic_brain_tumor.py').make_brain_tumor


def _read(path):
    with Image.open(path) as image:
        return image.mode, np.asarray(image)


@pytest.mark.parametrize('size', [64, 200])
def test_make_brain_tumor_format(tmp_path, size):
    make_brain_tumor(str(tmp_path), num=12, seed=1, size=size)
    names = sorted(f'{i}.png' for i in range(1, 13))
    assert sorted(os.listdir(tmp_path / 'images')) == names
    assert sorted(os.listdir(tmp_path / 'masks')) == names
    for name in names:
        img_mode, img = _read(tmp_path / 'images' / name)
        mask_mode, mask = _read(tmp_path / 'masks' / name)
        assert img_mode == mask_mode == 'L'
        assert img.shape == mask.shape == (size, size)
        assert img.dtype == mask.dtype == np.uint8
        assert set(np.unique(mask).tolist()) == {0, 255}
        tumour = mask == 255
        assert 0.003 <= tumour.mean() <= 0.05
        # brighter than the rest of the head
        assert img[tumour].mean() > img[~tumour & (img > 20)].mean() + 40


def test_make_brain_tumor_deterministic(tmp_path):
    runs = [('a', 0, 3), ('b', 0, 3), ('c', 1, 3), ('d', 0, 4)]
    for name, seed, num in runs:
        make_brain_tumor(str(tmp_path / name), num=num, seed=seed, size=64)

    def read(name, sub, i):
        return (tmp_path / name / sub / f'{i}.png').read_bytes()

    for sub in ('images', 'masks'):
        for i in (1, 2, 3):
            assert read('a', sub, i) == read('b', sub, i)
            assert read('a', sub, i) == read('d', sub, i)  # num extends
            assert read('a', sub, i) != read('c', sub, i)
    assert read('a', 'images', 1) != read('a', 'images', 2)


@pytest.mark.parametrize('kwargs, match', [
    (dict(num=0), 'num must be >= 1'),
    (dict(num=1, size=32), 'size must be >= 64'),
])
def test_make_brain_tumor_bad_arguments(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_brain_tumor(str(tmp_path), **kwargs)
