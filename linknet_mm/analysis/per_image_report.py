"""Failure analysis from ``per_image_dice.json``: Dice by size, worst images.

``ClassWiseIoUMetric(per_image_classes=..., output_dir=DIR)`` (i.e.
``tools/test.py --out DIR``) writes each image's Dice and ground-truth area;
these functions read that file back, tabulate Dice by the structure's area
and pick images to look at.
"""
import glob
import json
import os.path as osp
from typing import List, NamedTuple, Sequence

import numpy as np

from ..evaluation.metrics.per_image_dice import area_bin_names


class PerImageScores(NamedTuple):
    """Per-image scores of one class, in the order the test ran."""
    img_paths: List[str]
    dice: np.ndarray  # percent
    gt_percent: np.ndarray  # the class's area, percent of the image


class SizeBin(NamedTuple):
    """Per-image Dice of the images whose area falls in one bin."""
    name: str
    count: int
    mean: float
    median: float


def load_per_image(path: str, class_name: str) -> PerImageScores:
    """Read one class's scores from ``per_image_dice.json``.

    Args:
        path (str): The file ``ClassWiseIoUMetric`` wrote.
        class_name (str): A class of its ``per_image_classes``.

    Returns:
        PerImageScores: Paths, Dice and areas.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'{path} not found: run tools/test.py with --out DIR and a '
            'test_evaluator with per_image_classes to write it')
    with open(path) as f:
        rows = json.load(f)
    missing = [r['img_path'] for r in rows if class_name not in r['Dice']]
    if missing or not rows:
        known = sorted(rows[0]['Dice']) if rows else []
        raise ValueError(f'{path} has no per-image Dice of {class_name!r} '
                         f'(it has {known})')
    return PerImageScores([r['img_path'] for r in rows],
                          np.array([r['Dice'][class_name] for r in rows]),
                          np.array([r['gt_percent'][class_name]
                                    for r in rows]))


def dice_by_size(scores: PerImageScores,
                 area_bins: Sequence[float]) -> List[SizeBin]:
    """Per-image Dice by the class's ground-truth area.

    Args:
        scores (PerImageScores): From :func:`load_per_image`.
        area_bins (Sequence[float]): Increasing edges in percent.

    Returns:
        list[SizeBin]: One row per bin, then one for images without the
        class ('absent'), if any.
    """
    present = scores.gt_percent > 0
    which = np.digitize(scores.gt_percent, area_bins)
    groups = [(name, present & (which == i))
              for i, name in enumerate(area_bin_names(area_bins))]
    if not present.all():
        groups.append(('absent', ~present))
    table = []
    for name, members in groups:
        values = scores.dice[members]
        table.append(
            SizeBin(name, int(members.sum()),
                    float(values.mean()) if len(values) else float('nan'),
                    float(np.median(values)) if len(values) else float('nan')))
    return table


def worst(scores: PerImageScores, count: int) -> List[int]:
    """Indices of the ``count`` images of lowest Dice, lowest first.

    Args:
        scores (PerImageScores): From :func:`load_per_image`.
        count (int): How many.

    Returns:
        list[int]: Indices into ``scores``; ties keep the test order.
    """
    return [int(i) for i in np.argsort(scores.dice, kind='stable')[:count]]


def spread(scores: PerImageScores, count: int) -> List[int]:
    """Indices of ``count`` images evenly spaced over the Dice ranking.

    From the best to the worst image, so a figure of them shows the whole
    range rather than hand-picked successes.

    Args:
        scores (PerImageScores): From :func:`load_per_image`.
        count (int): How many.

    Returns:
        list[int]: Indices into ``scores``, best first.
    """
    order = np.argsort(-scores.dice, kind='stable')
    count = min(count, len(order))
    positions = np.linspace(0, len(order) - 1, count).round().astype(int)
    return [int(order[p]) for p in positions]


def find_panel(vis_dir: str, img_path: str) -> str:
    """The image | ground truth | prediction panel drawn for ``img_path``.

    ``tools/test.py --show-dir`` (mmseg's ``SegVisualizationHook``) saves
    ``test_<file name>_<step>.png`` somewhere below ``vis_dir``.

    Args:
        vis_dir (str): The ``--show-dir`` folder, or one above it.
        img_path (str): The image the panel shows.

    Returns:
        str: The panel's path.
    """
    name = glob.escape(f'test_{osp.basename(img_path)}')
    found = sorted(
        glob.glob(osp.join(glob.escape(vis_dir), '**', f'{name}_*.png'),
                  recursive=True))
    if not found:
        raise FileNotFoundError(
            f'no panel test_{osp.basename(img_path)}_*.png below {vis_dir}: '
            'draw them with tools/test.py --show-dir')
    return found[-1]
