"""Synthetic street scenes in the format of the Kaggle Cityscapes pairs.

Each composite is a 256x512 (HxW) JPEG: a 256x256 "photo" next to the
256x256 colour label image, made the way the real set was: the scene is
drawn as Cityscapes labelIds four times larger, coloured with the official
label colours, downscaled with area interpolation and saved as JPEG.
"""
import os
import os.path as osp
from typing import Optional, Tuple

import cv2
import numpy as np

from linknet_mm.datasets.cityscapes_labels import (CITYSCAPES_LABELS,
                                                   label_id_to_color,
                                                   label_id_to_train_id)

SIZE, SCALE = 256, 4  # side of each half; the scene is drawn SCALE x larger
QUALITY = (85, 95)  # JPEG quality range, inclusive
ID = {label.name: label.id for label in CITYSCAPES_LABELS}
#: What stands on the ground: name, (width, height) in metres, shape.
THINGS = (('car', 1.8, 1.5, 'box'), ('car', 4.2, 1.5, 'box'),
          ('truck', 2.5, 3.2, 'box'), ('bus', 2.6, 3.2, 'box'),
          ('person', 0.5, 1.75, 'oval'), ('rider', 0.7, 1.6, 'oval'),
          ('bicycle', 1.7, 1.0, 'oval'), ('motorcycle', 1.9, 1.1, 'oval'),
          ('pole', 0.15, 4.5, 'box'), ('traffic sign', 0.7, 0.7, 'sign'),
          ('traffic light', 0.4, 0.9, 'sign'), ('fence', 5.0, 1.2, 'box'),
          ('vegetation', 4.0, 5.0, 'oval'), ('static', 0.9, 0.7, 'oval'),
          ('dynamic', 0.8, 0.6, 'oval'))


def _draw_thing(ids: np.ndarray, rng: np.random.Generator, x: float,
                y: float, scale: float) -> None:
    """Draw a random thing of :data:`THINGS` standing at (x, y)."""
    name, width, height, shape = THINGS[rng.integers(len(THINGS))]
    w, h = width * scale * rng.uniform(0.8, 1.2), height * scale
    if shape == 'sign':  # up on a pole
        y -= 3 * scale
        ids[int(y - h):int(y + 3 * scale), int(x - 1):int(x + 2)] = ID['pole']
    if shape == 'oval':
        cv2.ellipse(ids, (int(x), int(y - h / 2)),
                    (max(int(w / 2), 1), max(int(h / 2), 1)), 0, 0, 360,
                    ID[name], -1)
    else:
        top, left = max(int(y - h), 0), max(int(x - w / 2), 0)
        ids[top:int(y), left:int(x + w / 2) + 1] = ID[name]


def draw_street_scene(rng: np.random.Generator, size: int) -> np.ndarray:
    """Draw a street scene as a Cityscapes labelId map.

    Sky, buildings and walls, sidewalk and terrain, a road in perspective,
    :data:`THINGS` far to near, the ego vehicle's bonnet, a void border.

    Args:
        rng (np.random.Generator): Random source.
        size (int): Side of the square map in pixels.

    Returns:
        np.ndarray: uint8 labelIds of shape (size, size).
    """
    ids = np.full((size, size), ID['sky'], np.uint8)
    horizon = int(size * rng.uniform(0.38, 0.5))
    vanish = size * rng.uniform(0.4, 0.6)
    x = 0
    while x < size:
        width = int(size * rng.uniform(0.06, 0.2))
        name = 'wall' if rng.random() < 0.12 else 'building'
        ids[int(size * rng.uniform(0.03, 0.3)):horizon, x:x + width] = ID[name]
        x += width
    ids[horizon:] = ID['sidewalk']
    half_road = size * rng.uniform(0.5, 0.9)
    for side in (-1, 1):
        if rng.random() < 0.5:
            edge = vanish + side * half_road * rng.uniform(1.1, 1.4)
            _fill(ids, 'terrain', [(vanish, horizon), (edge, size),
                                   (vanish + side * size * 2, size)])
    _fill(ids, 'road', [(vanish - 2, horizon), (vanish + 2, horizon),
                        (vanish + half_road, size),
                        (vanish - half_road, size)])
    for y in np.sort(rng.uniform(horizon + size * 0.03, size,
                                 rng.integers(6, 16))):
        depth = (y - horizon) / (size - horizon)
        x = vanish + rng.uniform(-1.5, 1.5) * half_road * depth
        _draw_thing(ids, rng, x, y, size * 0.07 * depth)
    if rng.random() < 0.5:
        cv2.ellipse(ids, (size // 2, int(size * 1.05)),
                    (int(size * 0.7), int(size * rng.uniform(0.08, 0.14))),
                    0, 0, 360, ID['ego vehicle'], -1)
    border = int(rng.integers(0, 3)) * SCALE
    if border:
        ids[:, :border] = ids[:, -border:] = ID['unlabeled']
    return ids


def _fill(ids: np.ndarray, name: str, points) -> None:
    """Fill a polygon of (x, y) pixel vertices with a label."""
    poly = np.rint(np.asarray(points, np.float64)).astype(np.int32)
    cv2.fillPoly(ids, [poly], ID[name])


def pair_from_label_ids(label_ids: np.ndarray,
                        photo: Optional[np.ndarray] = None,
                        interpolation: int = cv2.INTER_AREA,
                        photo_side: str = 'left') -> np.ndarray:
    """Build a Kaggle-style composite from a Cityscapes labelId map.

    Args:
        label_ids (np.ndarray): uint8 ``*_gtFine_labelIds`` map, any size.
        photo (np.ndarray, optional): uint8 BGR photo of any size; a mid
            grey one when None. Defaults to None.
        interpolation (int): OpenCV interpolation resizing the colour label
            image to 256x256. Defaults to ``cv2.INTER_AREA``.
        photo_side (str): ``'left'`` or ``'right'``. Defaults to 'left'.

    Returns:
        np.ndarray: uint8 BGR (256, 512, 3) composite, not JPEG-compressed.
    """
    colors = label_id_to_color()[label_ids][..., ::-1]  # RGB -> BGR
    label = cv2.resize(colors, (SIZE, SIZE), interpolation=interpolation)
    if photo is None:
        photo = np.full((SIZE, SIZE, 3), 128, np.uint8)
    photo = cv2.resize(photo, (SIZE, SIZE), interpolation=cv2.INTER_AREA)
    halves = {'left': (photo, label), 'right': (label, photo)}[photo_side]
    return np.concatenate(halves, axis=1)


def render_cityscapes_pair(
        rng: np.random.Generator,
        photo_side: str = 'left') -> Tuple[np.ndarray, np.ndarray]:
    """Render one synthetic composite and its true trainIds.

    The photo gives each class the inverse of its label colour, jittered
    per image, shaded and noisy: a mapping a model has to learn.

    Args:
        rng (np.random.Generator): Random source.
        photo_side (str): ``'left'`` or ``'right'``. Defaults to 'left'.

    Returns:
        tuple[np.ndarray, np.ndarray]: The composite (as
        :func:`pair_from_label_ids`) and the (256, 256) uint8 trainIds of
        its label half: per pixel the trainId covering most of its area in
        the large drawing (255 for void).
    """
    ids = draw_street_scene(rng, SIZE * SCALE)
    lut = 255 - label_id_to_color()[:, ::-1] + rng.uniform(-12, 12, (256, 3))
    shade = cv2.resize(rng.uniform(0.85, 1.15, (6, 6)), ids.shape[::-1],
                       interpolation=cv2.INTER_CUBIC)
    photo = lut[ids] * shade[..., None] + rng.normal(0, 24, ids.shape + (3, ))
    photo = np.clip(np.rint(photo), 0, 255).astype(np.uint8)
    classes = np.unique(ids)
    shares = [
        cv2.resize((ids == c).astype(np.float32), (SIZE, SIZE),
                   interpolation=cv2.INTER_AREA) for c in classes
    ]
    truth = label_id_to_train_id()[classes[np.argmax(shares, 0)]]
    return pair_from_label_ids(ids, photo, photo_side=photo_side), truth


def encode_jpeg(image: np.ndarray, quality: int) -> bytes:
    """JPEG-encode a BGR image as the Kaggle set stores it (4:2:0 chroma)."""
    ok, buffer = cv2.imencode('.jpg', image,
                              [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise ValueError(f'OpenCV could not JPEG-encode an image of shape '
                         f'{image.shape}')
    return buffer.tobytes()


def make_cityscapes_pairs(out_dir: str,
                          num_train: int,
                          num_val: int,
                          seed: int = 0) -> None:
    """Write ``out_dir/{train,val}/{1..num}.jpg`` as in the Kaggle set.

    256x512 JPEGs (quality 85-95), photo left. Image ``i`` of a split
    depends only on ``seed``, the split and ``i``: a larger count extends
    a set.

    Args:
        out_dir (str): Folder to write ``train/`` and ``val/`` into.
        num_train (int): Number of training composites, >= 1.
        num_val (int): Number of validation composites, >= 1.
        seed (int): Random seed. Defaults to 0.
    """
    splits = (('train', num_train), ('val', num_val))
    for split, num in splits:
        if num < 1:
            raise ValueError(f'num_{split} must be >= 1, got {num}')
    for split_idx, (split, num) in enumerate(splits):
        os.makedirs(osp.join(out_dir, split), exist_ok=True)
        for i in range(1, num + 1):
            rng = np.random.default_rng([seed, split_idx, i])
            composite, _ = render_cityscapes_pair(rng)
            quality = rng.integers(QUALITY[0], QUALITY[1] + 1)
            with open(osp.join(out_dir, split, f'{i}.jpg'), 'wb') as f:
                f.write(encode_jpeg(composite, quality))
