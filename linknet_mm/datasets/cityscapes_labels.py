"""The official Cityscapes label table and the colour helpers built on it.

The table is the one published by ``cityscapesscripts/helpers/labels.py``
(https://github.com/mcordts/cityscapesScripts), carried here as data: for
each of the 35 labels its name, id (the value in ``*_gtFine_labelIds.png``),
trainId (the value training uses; 255 and -1 are ignored) and the colour it
has in the colour-coded label images (RGB).

Colours are not unique: the five void labels ``unlabeled``, ``ego vehicle``,
``rectification border``, ``out of roi`` and ``static`` are all black,
``polegroup`` has the colour of ``pole`` and ``license plate`` the colour of
``car``. A colour therefore maps to the trainId of the first label with that
colour that is used in training, else to 255: black to 255, the grey of
poles to ``pole`` (5), the blue of cars to ``car`` (13).
"""
from typing import Dict, List, NamedTuple, Tuple

import numpy as np

IGNORE_INDEX = 255


class CityscapesLabel(NamedTuple):
    """One row of the Cityscapes label table.

    Args:
        name (str): Label name, e.g. ``'road'``.
        id (int): Value in ``*_gtFine_labelIds.png``; -1 for
            ``license plate``, which is never written there.
        train_id (int): Training id: 0-18 for the 19 evaluated classes, 255
            or -1 for ignored labels.
        color (tuple[int, int, int]): RGB colour in the colour-coded label
            images.
    """
    name: str
    id: int
    train_id: int
    color: Tuple[int, int, int]


CITYSCAPES_LABELS: Tuple[CityscapesLabel, ...] = (
    CityscapesLabel('unlabeled', 0, 255, (0, 0, 0)),
    CityscapesLabel('ego vehicle', 1, 255, (0, 0, 0)),
    CityscapesLabel('rectification border', 2, 255, (0, 0, 0)),
    CityscapesLabel('out of roi', 3, 255, (0, 0, 0)),
    CityscapesLabel('static', 4, 255, (0, 0, 0)),
    CityscapesLabel('dynamic', 5, 255, (111, 74, 0)),
    CityscapesLabel('ground', 6, 255, (81, 0, 81)),
    CityscapesLabel('road', 7, 0, (128, 64, 128)),
    CityscapesLabel('sidewalk', 8, 1, (244, 35, 232)),
    CityscapesLabel('parking', 9, 255, (250, 170, 160)),
    CityscapesLabel('rail track', 10, 255, (230, 150, 140)),
    CityscapesLabel('building', 11, 2, (70, 70, 70)),
    CityscapesLabel('wall', 12, 3, (102, 102, 156)),
    CityscapesLabel('fence', 13, 4, (190, 153, 153)),
    CityscapesLabel('guard rail', 14, 255, (180, 165, 180)),
    CityscapesLabel('bridge', 15, 255, (150, 100, 100)),
    CityscapesLabel('tunnel', 16, 255, (150, 120, 90)),
    CityscapesLabel('pole', 17, 5, (153, 153, 153)),
    CityscapesLabel('polegroup', 18, 255, (153, 153, 153)),
    CityscapesLabel('traffic light', 19, 6, (250, 170, 30)),
    CityscapesLabel('traffic sign', 20, 7, (220, 220, 0)),
    CityscapesLabel('vegetation', 21, 8, (107, 142, 35)),
    CityscapesLabel('terrain', 22, 9, (152, 251, 152)),
    CityscapesLabel('sky', 23, 10, (70, 130, 180)),
    CityscapesLabel('person', 24, 11, (220, 20, 60)),
    CityscapesLabel('rider', 25, 12, (255, 0, 0)),
    CityscapesLabel('car', 26, 13, (0, 0, 142)),
    CityscapesLabel('truck', 27, 14, (0, 0, 70)),
    CityscapesLabel('bus', 28, 15, (0, 60, 100)),
    CityscapesLabel('caravan', 29, 255, (0, 0, 90)),
    CityscapesLabel('trailer', 30, 255, (0, 0, 110)),
    CityscapesLabel('train', 31, 16, (0, 80, 100)),
    CityscapesLabel('motorcycle', 32, 17, (0, 0, 230)),
    CityscapesLabel('bicycle', 33, 18, (119, 11, 32)),
    CityscapesLabel('license plate', -1, -1, (0, 0, 142)),
)


def train_id_of(label: CityscapesLabel) -> int:
    """The trainId a label decodes to: ignored ones (255, -1) become 255.

    Args:
        label (CityscapesLabel): A row of :data:`CITYSCAPES_LABELS`.

    Returns:
        int: 0-18, or :data:`IGNORE_INDEX`.
    """
    return label.train_id if 0 <= label.train_id < 255 else IGNORE_INDEX


def _train_labels() -> List[CityscapesLabel]:
    """The 19 labels used in training, in trainId order.

    Returns:
        list[CityscapesLabel]: One label per trainId 0-18.
    """
    return sorted(
        (label
         for label in CITYSCAPES_LABELS if train_id_of(label) != IGNORE_INDEX),
        key=lambda label: label.train_id)


# The same classes and palette as mmseg's ``CityscapesDataset.METAINFO``.
CLASSES: Tuple[str, ...] = tuple(label.name for label in _train_labels())
PALETTE: List[List[int]] = [list(label.color) for label in _train_labels()]


def color_to_train_id() -> Dict[Tuple[int, int, int], int]:
    """Map every colour of the label images to the trainId it stands for.

    When labels share a colour, the first one used in training wins, else
    the colour is ignored (see the module docstring).

    Returns:
        dict[tuple[int, int, int], int]: RGB colour -> trainId (0-18 or
        255), 29 colours in the order of :data:`CITYSCAPES_LABELS`.
    """
    mapping: Dict[Tuple[int, int, int], int] = {}
    for label in CITYSCAPES_LABELS:
        if mapping.get(label.color, IGNORE_INDEX) == IGNORE_INDEX:
            mapping[label.color] = train_id_of(label)
    return mapping


def label_id_to_train_id() -> np.ndarray:
    """Lookup table from labelIds to trainIds.

    Returns:
        np.ndarray: uint8 array of 256 entries; values that are not a
        labelId map to 255.
    """
    table = np.full(256, IGNORE_INDEX, np.uint8)
    for label in CITYSCAPES_LABELS:
        if label.id >= 0:
            table[label.id] = train_id_of(label)
    return table


def label_id_to_color() -> np.ndarray:
    """Lookup table from labelIds to their RGB colours.

    Returns:
        np.ndarray: uint8 array of shape (256, 3); values that are not a
        labelId map to black.
    """
    table = np.zeros((256, 3), np.uint8)
    for label in CITYSCAPES_LABELS:
        if label.id >= 0:
            table[label.id] = label.color
    return table
