"""Per-image Dice: the figure medical segmentation papers report.

mmseg's ``Dice.<class>`` is global: it sums intersections and areas over
the whole split, so large structures dominate it. The per-image Dice scores
each image on its own and summarises the scores (mean, median, 10th
percentile), so a missed small tumour weighs as much as a missed large one.

Rule for empty images: an image whose ground truth and prediction are both
empty for a class scores Dice 1 for that class (nothing to find, nothing
found); one of the two empty and the other not scores 0.
"""
from typing import Dict, List, Sequence

import numpy as np


def per_image_dice(intersect: np.ndarray, pred_area: np.ndarray,
                   gt_area: np.ndarray) -> np.ndarray:
    """Dice of each image, with 1 where prediction and truth are empty.

    Args:
        intersect (np.ndarray): Pixels in both prediction and truth, one per
            image.
        pred_area (np.ndarray): Predicted pixels, one per image.
        gt_area (np.ndarray): Ground-truth pixels, one per image.

    Returns:
        np.ndarray: Dice in [0, 1], one per image.
    """
    intersect, pred_area, gt_area = (
        np.asarray(a, dtype=np.float64)
        for a in (intersect, pred_area, gt_area))
    total = pred_area + gt_area
    return np.divide(
        2 * intersect, total, out=np.ones_like(total), where=total > 0)


def area_bin_names(area_bins: Sequence[float]) -> List[str]:
    """Names of the tumour-size bins that ``area_bins`` edges make.

    Args:
        area_bins (Sequence[float]): Increasing edges, in percent of the
            image's labelled pixels, e.g. ``(1, 2)``.

    Returns:
        list[str]: ``['<1%', '1-2%', '>=2%']`` for ``(1, 2)``.
    """
    edges = [f'{e:g}' for e in area_bins]
    if not edges:
        return []
    middle = [f'{lo}-{hi}%' for lo, hi in zip(edges, edges[1:])]
    return [f'<{edges[0]}%', *middle, f'>={edges[-1]}%']


def summarize_dice(dice: np.ndarray, gt_percent: np.ndarray,
                   area_bins: Sequence[float] = ()) -> Dict[str, float]:
    """Mean, median and 10th percentile of per-image Dice, and by size.

    Args:
        dice (np.ndarray): Dice in [0, 1], one per image.
        gt_percent (np.ndarray): The class's ground-truth area in percent
            of each image's labelled pixels.
        area_bins (Sequence[float]): Increasing bin edges in percent; each
            bin's mean Dice and image count are added. Images without the
            class fall in no bin. Defaults to ().

    Returns:
        dict[str, float]: ``mean``, ``median``, ``p10`` (percent), and
        ``mean@<bin>``, ``count@<bin>`` per bin.
    """
    if len(dice) == 0:
        return {}
    summary = dict(
        mean=float(np.mean(dice)) * 100,
        median=float(np.median(dice)) * 100,
        p10=float(np.percentile(dice, 10)) * 100)
    if area_bins:
        present = gt_percent > 0
        which = np.digitize(gt_percent, area_bins)
        for index, name in enumerate(area_bin_names(area_bins)):
            members = present & (which == index)
            summary[f'count@{name}'] = int(members.sum())
            summary[f'mean@{name}'] = (
                float(np.mean(dice[members])) * 100
                if members.any() else float('nan'))
    return summary
