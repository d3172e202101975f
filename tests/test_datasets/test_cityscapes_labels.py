"""The Cityscapes label table and the helpers derived from it."""
import numpy as np
from mmseg.datasets import CityscapesDataset

from linknet_mm.datasets.cityscapes_labels import (CITYSCAPES_LABELS, CLASSES,
                                                   PALETTE, color_to_train_id,
                                                   label_id_to_color,
                                                   label_id_to_train_id)


def test_cityscapes_label_table_shape():
    assert len(CITYSCAPES_LABELS) == 35
    names = [label.name for label in CITYSCAPES_LABELS]
    assert len(set(names)) == 35
    ids = [label.id for label in CITYSCAPES_LABELS]
    assert ids == list(range(34)) + [-1]
    train_ids = sorted(label.train_id for label in CITYSCAPES_LABELS
                       if 0 <= label.train_id < 255)
    assert train_ids == list(range(19))


def test_cityscapes_classes_and_palette_match_mmseg():
    assert CLASSES == CityscapesDataset.METAINFO['classes']
    assert PALETTE == CityscapesDataset.METAINFO['palette']


def test_cityscapes_color_to_train_id():
    mapping = color_to_train_id()
    assert len(mapping) == 29
    assert mapping[(0, 0, 0)] == 255  # unlabeled, ego vehicle, static...
    assert mapping[(153, 153, 153)] == 5  # pole, not polegroup
    assert mapping[(0, 0, 142)] == 13  # car, not license plate
    for color in [(111, 74, 0), (81, 0, 81), (250, 170, 160), (230, 150, 140),
                  (180, 165, 180), (150, 100, 100), (150, 120, 90), (0, 0, 90),
                  (0, 0, 110)]:
        assert mapping[color] == 255
    for train_id, color in enumerate(PALETTE):
        assert mapping[tuple(color)] == train_id
    assert sorted(set(mapping.values())) == list(range(19)) + [255]


def test_cityscapes_label_id_lookup_tables():
    to_train_id = label_id_to_train_id()
    to_color = label_id_to_color()
    assert to_train_id.dtype == to_color.dtype == np.uint8
    assert to_train_id[7] == 0 and to_train_id[33] == 18
    assert to_train_id[18] == 255  # polegroup
    assert (to_train_id[[0, 1, 2, 3, 4, 5, 6, 9, 10, 14, 15, 16, 29,
                         30]] == 255).all()
    assert (to_train_id[34:] == 255).all()
    assert to_color[18].tolist() == to_color[17].tolist() == [153] * 3
    assert to_color[26].tolist() == [0, 0, 142]
