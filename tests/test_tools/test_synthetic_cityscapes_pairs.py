"""Synthetic Cityscapes pairs: the Kaggle format, the scene and
determinism."""
import os

import cv2
import numpy as np
import pytest

from conftest import tool_module

from linknet_mm.datasets.cityscapes_labels import label_id_to_color

synthetic = tool_module('misc/synthetic_cityscapes_pairs.py')
make_cityscapes_pairs = synthetic.make_cityscapes_pairs
pair_from_label_ids = synthetic.pair_from_label_ids
render_cityscapes_pair = synthetic.render_cityscapes_pair

ROAD, SKY, BUILDING, CAR = 0, 10, 2, 13


def test_render_cityscapes_pair_scene():
    seen = set()
    for i in range(4):
        composite, truth = render_cityscapes_pair(np.random.default_rng(i))
        assert composite.shape == (256, 512, 3) and composite.dtype == np.uint8
        assert truth.shape == (256, 256) and truth.dtype == np.uint8
        classes = set(np.unique(truth).tolist())
        assert {ROAD, SKY, BUILDING} <= classes
        seen |= classes
        # The photo's colours follow the classes.
        photo = composite[:, :256].astype(np.float32)
        sky = photo[truth == SKY].mean(0)
        road = photo[truth == ROAD].mean(0)
        assert np.abs(sky - road).sum() > 100
        # The label half is the official palette, blended only on edges.
        label = composite[:, 256:][truth == SKY]
        assert np.median(label, 0).tolist() == [180, 130, 70]  # BGR sky
    assert {CAR, 255} <= seen  # vehicles and void regions too
    assert len(seen - {255}) >= 10


def test_make_cityscapes_pairs_format(tmp_path):
    make_cityscapes_pairs(str(tmp_path), num_train=3, num_val=2, seed=1)
    assert sorted(os.listdir(tmp_path)) == ['train', 'val']
    assert sorted(os.listdir(tmp_path /
                             'train')) == ['1.jpg', '2.jpg', '3.jpg']
    assert sorted(os.listdir(tmp_path / 'val')) == ['1.jpg', '2.jpg']
    for path in (tmp_path / 'train').iterdir():
        data = path.read_bytes()
        assert data[:2] == b'\xff\xd8' and data[-2:] == b'\xff\xd9'
        image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        assert image.shape == (256, 512, 3)


def test_make_cityscapes_pairs_deterministic(tmp_path):
    for name, seed, num in [('a', 0, 2), ('b', 0, 2), ('c', 1, 2),
                            ('d', 0, 3)]:
        make_cityscapes_pairs(str(tmp_path / name), num, 1, seed=seed)

    def read(name, split, i):
        return (tmp_path / name / split / f'{i}.jpg').read_bytes()

    for i in (1, 2):
        assert read('a', 'train', i) == read('b', 'train', i)
        assert read('a', 'train', i) == read('d', 'train', i)  # extends
        assert read('a', 'train', i) != read('c', 'train', i)
    assert read('a', 'train', 1) != read('a', 'val', 1)


@pytest.mark.parametrize('kwargs, match', [
    (dict(num_train=0, num_val=1), 'num_train must be >= 1'),
    (dict(num_train=1, num_val=0), 'num_val must be >= 1'),
])
def test_make_cityscapes_pairs_bad_arguments(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_cityscapes_pairs(str(tmp_path), **kwargs)


def test_cityscapes_pair_from_label_ids():
    label_ids = np.full((64, 128), 7, np.uint8)  # road
    label_ids[:32] = 23  # sky
    photo = np.full((64, 128, 3), 50, np.uint8)
    composite = pair_from_label_ids(label_ids, photo, photo_side='right')
    assert composite.shape == (256, 512, 3)
    assert (composite[:, 256:] == 50).all()
    sky_bgr = label_id_to_color()[23][::-1]
    assert (composite[10, :256] == sky_bgr).all()
    assert (pair_from_label_ids(label_ids)[:, :256] == 128).all()
    with pytest.raises(KeyError, match='top'):
        pair_from_label_ids(label_ids, photo_side='top')
