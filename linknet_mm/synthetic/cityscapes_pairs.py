"""Synthetic street scenes in the format of the Kaggle Cityscapes pairs.

Each composite is a 256x512 (HxW) JPEG: a 256x256 "photo" next to the
256x256 colour-coded label image, made the way the real set was: the label
image is drawn large (with the official Cityscapes colours) and downscaled
with area interpolation, then the composite is saved as JPEG.
"""
import os
import os.path as osp
from typing import NamedTuple, Optional, Tuple

import cv2
import numpy as np

from ..datasets.cityscapes_labels import (label_id_to_color,
                                          label_id_to_train_id)
from ..datasets.transforms.split_image_pair import check_photo_side

SIZE = 256  # side of each half, as in the Kaggle set
SCALE = 4  # the label image is drawn SCALE times larger, then downscaled
QUALITY = (85, 95)  # JPEG quality range, inclusive

# Cityscapes labelIds used by the scene generator.
UNLABELED, EGO_VEHICLE, STATIC, DYNAMIC, GROUND = 0, 1, 4, 5, 6
ROAD, SIDEWALK, PARKING, RAIL_TRACK = 7, 8, 9, 10
BUILDING, WALL, FENCE, GUARD_RAIL, BRIDGE = 11, 12, 13, 14, 15
POLE, TRAFFIC_LIGHT, TRAFFIC_SIGN = 17, 19, 20
VEGETATION, TERRAIN, SKY = 21, 22, 23
PERSON, RIDER, CAR, TRUCK, BUS = 24, 25, 26, 27, 28
CARAVAN, TRAILER, TRAIN, MOTORCYCLE, BICYCLE = 29, 30, 31, 32, 33

# Vehicles drawn, cars the most often, and their (width, height) in metres.
VEHICLE_KINDS = (CAR, CAR, CAR, CAR, TRUCK, BUS, CARAVAN, TRAILER, TRAIN)
VEHICLE_SIZES = {
    CAR: (1.8, 1.5),
    TRUCK: (2.5, 3.2),
    BUS: (2.6, 3.2),
    CARAVAN: (2.3, 2.6),
    TRAILER: (2.4, 2.4),
    TRAIN: (3.0, 3.8),
}

# Photo colour (BGR) of each labelId: distinct from the label colours, so a
# model has to learn the mapping, but characteristic enough to learn fast.
PHOTO_COLORS = {
    UNLABELED: (20, 20, 20),
    EGO_VEHICLE: (35, 30, 40),
    STATIC: (60, 75, 90),
    DYNAMIC: (40, 90, 120),
    GROUND: (105, 110, 115),
    ROAD: (95, 90, 92),
    SIDEWALK: (165, 160, 170),
    PARKING: (130, 120, 135),
    RAIL_TRACK: (80, 95, 110),
    BUILDING: (120, 130, 150),
    WALL: (175, 185, 195),
    FENCE: (110, 140, 155),
    GUARD_RAIL: (190, 190, 185),
    BRIDGE: (125, 120, 115),
    POLE: (70, 70, 75),
    TRAFFIC_LIGHT: (25, 40, 30),
    TRAFFIC_SIGN: (30, 180, 230),
    VEGETATION: (40, 110, 60),
    TERRAIN: (70, 150, 130),
    SKY: (235, 205, 170),
    PERSON: (60, 50, 140),
    RIDER: (30, 60, 180),
    CAR: (150, 80, 40),
    TRUCK: (200, 200, 210),
    BUS: (60, 160, 220),
    CARAVAN: (210, 215, 220),
    TRAILER: (140, 150, 160),
    TRAIN: (70, 140, 200),
    MOTORCYCLE: (45, 45, 120),
    BICYCLE: (150, 60, 150),
}


def _fill(canvas: np.ndarray, label: int, points) -> None:
    """Fill a polygon with a labelId.

    Args:
        canvas (np.ndarray): uint8 labelId map, drawn on in place.
        label (int): The labelId.
        points: Polygon vertices (x, y) in pixels.
    """
    poly = np.rint(np.asarray(points, np.float64)).astype(np.int32)
    cv2.fillPoly(canvas, [poly], int(label))


def _rect(canvas: np.ndarray, label: int, x0: float, y0: float, x1: float,
          y1: float) -> None:
    """Fill an axis-aligned rectangle with a labelId.

    Args:
        canvas (np.ndarray): uint8 labelId map, drawn on in place.
        label (int): The labelId.
        x0 (float): Left edge in pixels.
        y0 (float): Top edge.
        x1 (float): Right edge.
        y1 (float): Bottom edge.
    """
    _fill(canvas, label, [(x0, y0), (x1, y0), (x1, y1), (x0, y1)])


def _ellipse(canvas: np.ndarray, label: int, cx: float, cy: float, rx: float,
             ry: float) -> None:
    """Fill an ellipse with a labelId.

    Args:
        canvas (np.ndarray): uint8 labelId map, drawn on in place.
        label (int): The labelId.
        cx (float): Centre x in pixels.
        cy (float): Centre y.
        rx (float): Horizontal radius.
        ry (float): Vertical radius.
    """
    cv2.ellipse(canvas, (int(round(cx)), int(round(cy))),
                (max(int(round(rx)), 1), max(int(round(ry)), 1)), 0, 0, 360,
                int(label), -1)


def _draw_vehicle(canvas: np.ndarray, rng: np.random.Generator, x: float,
                  y: float, scale: float) -> None:
    """Draw a vehicle standing on the ground at (x, y).

    Args:
        canvas (np.ndarray): uint8 labelId map, drawn on in place.
        rng (np.random.Generator): Random source.
        x (float): Centre x of the vehicle's bottom.
        y (float): y of the vehicle's bottom.
        scale (float): Pixels per metre at that depth.
    """
    kind = rng.choice(VEHICLE_KINDS)
    width, height = VEHICLE_SIZES[kind]
    width *= scale * rng.uniform(1.0, 1.4)
    height *= scale
    body = 0.55 * height if kind == CAR else height
    _rect(canvas, kind, x - width / 2, y - body, x + width / 2, y)
    if kind == CAR:  # cabin
        top = width * rng.uniform(0.25, 0.35)
        _fill(canvas, CAR, [(x - width * 0.4, y - body), (x - top, y - height),
                            (x + top, y - height),
                            (x + width * 0.4, y - body)])


def _draw_person(canvas: np.ndarray, rng: np.random.Generator, x: float,
                 y: float, scale: float) -> None:
    """Draw a pedestrian, or a rider on a bicycle or motorcycle.

    Args:
        canvas (np.ndarray): uint8 labelId map, drawn on in place.
        rng (np.random.Generator): Random source.
        x (float): Centre x of the feet.
        y (float): y of the feet.
        scale (float): Pixels per metre at that depth.
    """
    height = 1.75 * scale * rng.uniform(0.9, 1.1)
    if rng.random() < 0.3:
        bike = MOTORCYCLE if rng.random() < 0.4 else BICYCLE
        wheel = 0.33 * scale
        for dx in (-0.55, 0.55):
            _ellipse(canvas, bike, x + dx * scale, y - wheel, wheel, wheel)
        _rect(canvas, bike, x - 0.5 * scale, y - 2.2 * wheel, x + 0.5 * scale,
              y - 1.6 * wheel)
        label, y = RIDER, y - 1.2 * wheel
        height *= 0.8
    else:
        label = PERSON
    _ellipse(canvas, label, x, y - 0.45 * height, 0.16 * height, 0.4 * height)
    _ellipse(canvas, label, x, y - 0.9 * height, 0.07 * height, 0.09 * height)


def _draw_pole(canvas: np.ndarray, rng: np.random.Generator, x: float,
               y: float, scale: float) -> None:
    """Draw a pole, maybe carrying a traffic sign or a traffic light.

    Args:
        canvas (np.ndarray): uint8 labelId map, drawn on in place.
        rng (np.random.Generator): Random source.
        x (float): Centre x of the pole's foot.
        y (float): y of the foot.
        scale (float): Pixels per metre at that depth.
    """
    width = max(0.12 * scale * rng.uniform(0.6, 1.4), 1.5)
    top = y - 4.5 * scale * rng.uniform(0.8, 1.2)
    _rect(canvas, POLE, x - width / 2, top, x + width / 2, y)
    extra = rng.random()
    if extra < 0.4:
        side = 0.35 * scale
        cy = top + side
        if rng.random() < 0.5:
            _rect(canvas, TRAFFIC_SIGN, x - side, cy - side, x + side,
                  cy + side)
        else:
            _fill(canvas, TRAFFIC_SIGN, [(x - side, cy + side),
                                         (x + side, cy + side),
                                         (x, cy - side)])
    elif extra < 0.65:
        _rect(canvas, TRAFFIC_LIGHT, x - 0.18 * scale, top, x + 0.18 * scale,
              top + 0.9 * scale)


class _Layout(NamedTuple):
    """Where the horizon, the vanishing point and the building foot are."""
    size: int
    horizon: float
    vanish: float
    foot: float  # y of the building foot at the image sides

    def ground_y(self, x: float, side: float) -> float:
        """y of the building line at x (side -1 left, +1 right)."""
        t = np.clip(side * (x - self.vanish) / (self.size / 2), 0, 1.2)
        return self.horizon + (self.foot - self.horizon) * t


def draw_street_scene(rng: np.random.Generator, size: int) -> np.ndarray:
    """Draw a street scene as a Cityscapes labelId map.

    Sky on top, buildings (some walls, a bridge now and then) along both
    sides, trees, a road in perspective with sidewalks, terrain, parking
    and rail strips, vehicles, people, poles with signs and lights, fences
    and guard rails, and void regions: ground, static and dynamic objects,
    the ego vehicle's bonnet and an unlabeled image border.

    Args:
        rng (np.random.Generator): Random source.
        size (int): Side of the square map in pixels.

    Returns:
        np.ndarray: uint8 labelIds of shape (size, size).
    """
    canvas = np.full((size, size), SKY, np.uint8)
    layout = _Layout(size, size * rng.uniform(0.38, 0.5),
                     size * rng.uniform(0.4, 0.6),
                     size * rng.uniform(0.62, 0.72))
    _draw_buildings(canvas, rng, layout)
    _draw_trees(canvas, rng, layout)
    half_road = _draw_ground(canvas, rng, layout)
    _draw_barrier(canvas, rng, layout)
    _draw_objects(canvas, rng, layout, half_road)
    _draw_void(canvas, rng, size)
    return canvas


def _draw_buildings(canvas: np.ndarray, rng: np.random.Generator,
                    layout: _Layout) -> None:
    """A stepped skyline on each side, and a bridge now and then."""
    s = layout.size
    for side in (-1, 1):
        x = layout.vanish + side * s * rng.uniform(0.02, 0.06)
        while 0 < x < s:
            width = s * rng.uniform(0.06, 0.2)
            x_end = x + side * width
            top = s * rng.uniform(0.03, 0.3)
            label = WALL if rng.random() < 0.12 else BUILDING
            xs = sorted((x, x_end))
            _fill(canvas, label, [(xs[0], top), (xs[1], top),
                                  (xs[1], layout.ground_y(xs[1], side)),
                                  (xs[0], layout.ground_y(xs[0], side))])
            x = x_end
    if rng.random() < 0.15:
        _rect(canvas, BRIDGE, 0, layout.horizon - s * 0.12, s,
              layout.horizon - s * 0.06)


def _draw_trees(canvas: np.ndarray, rng: np.random.Generator,
                layout: _Layout) -> None:
    """Crowns over trunks, in front of the buildings."""
    s = layout.size
    for _ in range(rng.integers(0, 5)):
        side = rng.choice([-1, 1])
        x = layout.vanish + side * s * rng.uniform(0.1, 0.5)
        y = layout.ground_y(x, side)
        crown = s * rng.uniform(0.04, 0.12)
        _rect(canvas, VEGETATION, x - crown * 0.12, y - 2 * crown,
              x + crown * 0.12, y)
        _ellipse(canvas, VEGETATION, x, y - 2.2 * crown, crown,
                 crown * rng.uniform(0.8, 1.2))


def _draw_ground(canvas: np.ndarray, rng: np.random.Generator,
                 layout: _Layout) -> float:
    """Road in perspective, sidewalks, a terrain or parking strip.

    Returns:
        float: Half the road's width at the bottom of the image.
    """
    s, vanish, horizon = layout.size, layout.vanish, layout.horizon
    half_road = s * rng.uniform(0.5, 0.9)
    road = [(vanish - 2, horizon), (vanish + 2, horizon),
            (vanish + half_road, s), (vanish - half_road, s)]
    for side in (-1, 1):
        edge = vanish + side * half_road
        _fill(canvas, SIDEWALK,
              [(vanish, horizon),
               (vanish + side * s, layout.ground_y(vanish + side * s, side)),
               (vanish + side * s, s), (edge, s)])
        strip = rng.random()
        if strip < 0.45:
            label = rng.choice([TERRAIN, TERRAIN, PARKING, RAIL_TRACK, GROUND])
            inner = vanish + side * half_road * rng.uniform(1.05, 1.25)
            _fill(canvas, label, [(vanish, horizon), (edge, s), (inner, s)])
    _fill(canvas, ROAD, road)
    return half_road


def _draw_barrier(canvas: np.ndarray, rng: np.random.Generator,
                  layout: _Layout) -> None:
    """Now and then a fence or guard rail along the building line."""
    if rng.random() >= 0.4:
        return
    s, ground_y = layout.size, layout.ground_y
    side = rng.choice([-1, 1])
    label = rng.choice([FENCE, GUARD_RAIL])
    x0, x1 = sorted((layout.vanish + side * s * 0.1,
                     layout.vanish + side * s * 0.5))
    height = s * rng.uniform(0.02, 0.06)
    _fill(canvas, label, [(x0, ground_y(x0, side) - height * 0.4),
                          (x1, ground_y(x1, side) - height),
                          (x1, ground_y(x1, side)),
                          (x0, ground_y(x0, side))])


def _draw_objects(canvas: np.ndarray, rng: np.random.Generator,
                  layout: _Layout, half_road: float) -> None:
    """Vehicles, people, poles and void objects, far to near."""
    s, horizon, vanish = layout.size, layout.horizon, layout.vanish
    objects = []
    for _ in range(rng.integers(2, 9)):
        objects.append(('vehicle', rng.uniform(horizon + s * 0.04, s)))
    for _ in range(rng.integers(0, 7)):
        objects.append(('person', rng.uniform(horizon + s * 0.03, s)))
    for _ in range(rng.integers(1, 6)):
        objects.append(('pole', rng.uniform(horizon + s * 0.02, s * 0.9)))
    for _ in range(rng.integers(0, 4)):
        objects.append(('void', rng.uniform(horizon + s * 0.02, s)))
    # sorted by y: nearer objects are drawn later and occlude
    for kind, y in sorted(objects, key=lambda obj: obj[1]):
        depth = (y - horizon) / (s - horizon)
        scale = s * 0.07 * depth  # pixels per metre
        if kind == 'vehicle':
            x = vanish + rng.uniform(-0.8, 0.8) * half_road * depth
            _draw_vehicle(canvas, rng, x, y, scale)
            continue
        side = rng.choice([-1, 1])
        x = vanish + side * half_road * depth * rng.uniform(1.02, 1.4)
        if kind == 'person':
            _draw_person(canvas, rng, x, y, scale)
        elif kind == 'pole':
            _draw_pole(canvas, rng, x, y, scale)
        else:
            label = rng.choice([STATIC, DYNAMIC, GROUND])
            _ellipse(canvas, label, x, y - 0.4 * scale, 0.6 * scale,
                     0.4 * scale)


def _draw_void(canvas: np.ndarray, rng: np.random.Generator,
               size: int) -> None:
    """The ego vehicle's bonnet now and then, and an unlabeled border."""
    if rng.random() < 0.5:
        _ellipse(canvas, EGO_VEHICLE, size / 2, size * 1.05, size * 0.7,
                 size * rng.uniform(0.08, 0.14))
    border = int(rng.integers(0, 3)) * SCALE
    if border:
        canvas[:, :border] = UNLABELED
        canvas[:, -border:] = UNLABELED


def _smooth_field(rng: np.random.Generator, size: int,
                  cells: int) -> np.ndarray:
    """Smooth random field with values in about [-1, 1].

    Args:
        rng (np.random.Generator): Random source.
        size (int): Side of the square output.
        cells (int): Side of the coarse random grid that is upsampled.

    Returns:
        np.ndarray: float32 array of shape (size, size).
    """
    coarse = rng.uniform(-1, 1, (cells, cells)).astype(np.float32)
    return cv2.resize(coarse, (size, size), interpolation=cv2.INTER_CUBIC)


def _draw_photo(rng: np.random.Generator, label_ids: np.ndarray,
                size: int) -> np.ndarray:
    """Render a photo-like image in which each class has its own colour.

    Args:
        rng (np.random.Generator): Random source.
        label_ids (np.ndarray): uint8 labelId map (large).
        size (int): Side of the output photo.

    Returns:
        np.ndarray: uint8 BGR image of shape (size, size, 3).
    """
    lut = np.zeros((256, 3), np.float32)
    for label, color in PHOTO_COLORS.items():
        jitter = rng.uniform(-12, 12, 3)
        lut[label] = np.clip(np.array(color) + jitter, 0, 255)
    big = lut[label_ids]
    big *= (1 + 0.15 * _smooth_field(rng, len(label_ids), 6))[..., None]
    photo = cv2.resize(big, (size, size), interpolation=cv2.INTER_AREA)
    photo += rng.normal(0, 6, photo.shape).astype(np.float32)
    return np.clip(np.rint(photo), 0, 255).astype(np.uint8)


def _majority_train_ids(label_ids: np.ndarray, size: int) -> np.ndarray:
    """The trainId covering most of each output pixel's area.

    Args:
        label_ids (np.ndarray): uint8 labelId map (large).
        size (int): Side of the output.

    Returns:
        np.ndarray: uint8 trainIds of shape (size, size).
    """
    labels = np.unique(label_ids)
    shares = np.stack([
        cv2.resize(
            (label_ids == label).astype(np.float32), (size, size),
            interpolation=cv2.INTER_AREA) for label in labels
    ])
    return label_id_to_train_id()[labels[shares.argmax(0)]]


def compose_pair(photo: np.ndarray,
                 label_color: np.ndarray,
                 photo_side: str = 'left') -> np.ndarray:
    """Put a photo and its colour label image side by side.

    Args:
        photo (np.ndarray): uint8 image of shape (H, W, 3).
        label_color (np.ndarray): uint8 colour label image of the same
            shape.
        photo_side (str): ``'left'`` or ``'right'``. Defaults to 'left'.

    Returns:
        np.ndarray: uint8 composite of shape (H, 2 * W, 3).
    """
    check_photo_side(photo_side)
    halves = [photo, label_color]
    if photo_side == 'right':
        halves.reverse()
    return np.concatenate(halves, axis=1)


def render_cityscapes_pair(
        rng: np.random.Generator,
        photo_side: str = 'left') -> Tuple[np.ndarray, np.ndarray]:
    """Render one synthetic composite and its true trainIds.

    The scene is drawn as Cityscapes labelIds at ``SCALE`` x 256 pixels,
    coloured with the official label colours and downscaled to 256x256
    with area interpolation, as the Kaggle set was made.

    Args:
        rng (np.random.Generator): Random source.
        photo_side (str): Where the photo goes, ``'left'`` or ``'right'``.
            Defaults to 'left'.

    Returns:
        tuple[np.ndarray, np.ndarray]: The uint8 BGR composite of shape
        (256, 512, 3), not yet JPEG-compressed, and the uint8 trainIds of
        the label half, shape (256, 256): per pixel the trainId covering
        most of its area in the large drawing (255 for void).
    """
    label_ids = draw_street_scene(rng, SIZE * SCALE)
    colors = label_id_to_color()[label_ids][..., ::-1]  # RGB -> BGR
    label_color = cv2.resize(
        colors, (SIZE, SIZE), interpolation=cv2.INTER_AREA)
    photo = _draw_photo(rng, label_ids, SIZE)
    composite = compose_pair(photo, label_color, photo_side)
    return composite, _majority_train_ids(label_ids, SIZE)


def pair_from_label_ids(label_ids: np.ndarray,
                        photo: Optional[np.ndarray] = None,
                        interpolation: int = cv2.INTER_AREA,
                        photo_side: str = 'left') -> np.ndarray:
    """Build a Kaggle-style composite from a real Cityscapes labelId map.

    Args:
        label_ids (np.ndarray): uint8 ``*_gtFine_labelIds`` map, any size.
        photo (np.ndarray, optional): uint8 BGR photo of any size; a mid
            grey one when None. Defaults to None.
        interpolation (int): OpenCV interpolation resizing the colour label
            image to 256x256. Defaults to ``cv2.INTER_AREA``.
        photo_side (str): ``'left'`` or ``'right'``. Defaults to 'left'.

    Returns:
        np.ndarray: uint8 BGR composite of shape (256, 512, 3), not yet
        JPEG-compressed.
    """
    colors = label_id_to_color()[label_ids][..., ::-1]
    label_color = cv2.resize(colors, (SIZE, SIZE), interpolation=interpolation)
    if photo is None:
        photo = np.full((SIZE, SIZE, 3), 128, np.uint8)
    else:
        photo = cv2.resize(photo, (SIZE, SIZE), interpolation=cv2.INTER_AREA)
    return compose_pair(photo, label_color, photo_side)


def encode_jpeg(image: np.ndarray, quality: int) -> bytes:
    """JPEG-encode an image as the Kaggle set stores it (4:2:0 chroma).

    Args:
        image (np.ndarray): uint8 BGR image.
        quality (int): JPEG quality, 1-100.

    Returns:
        bytes: The JPEG file's content.
    """
    ok, buffer = cv2.imencode(
        '.jpg', image,
        [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise ValueError(f'OpenCV could not JPEG-encode an image of shape '
                         f'{image.shape}')
    return buffer.tobytes()


def make_cityscapes_pairs(out_dir: str,
                          num_train: int,
                          num_val: int,
                          seed: int = 0) -> None:
    """Write synthetic composites in the exact layout of the Kaggle set.

    Writes ``out_dir/train/{1..num_train}.jpg`` and
    ``out_dir/val/{1..num_val}.jpg``: 256x512 JPEGs (quality 85-95) with
    the photo on the left and the colour label image on the right. Image
    ``i`` of a split depends only on ``seed``, the split and ``i``, so a
    larger count extends a smaller set.

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
        folder = osp.join(out_dir, split)
        os.makedirs(folder, exist_ok=True)
        for i in range(1, num + 1):
            rng = np.random.default_rng([seed, split_idx, i])
            composite, _ = render_cityscapes_pair(rng)
            quality = rng.integers(QUALITY[0], QUALITY[1] + 1)
            with open(osp.join(folder, f'{i}.jpg'), 'wb') as f:
                f.write(encode_jpeg(composite, quality))
