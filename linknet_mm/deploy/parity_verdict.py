"""Whether a low precision may stand in for fp32, and the line saying why.

Two criteria, in this order:

1. **The task metric**, as users judge a model and as MMDeploy's
   regression test judges a backend (``tests/regression/mmseg.yml``: mIoU
   at most 1 point below PyTorch's): mIoU, and the foreground Dice of a
   two-class model, within :data:`MAX_MIOU_CHANGE` and
   :data:`MAX_DICE_CHANGE` points of fp32's, either way. Dice alone misses
   pixels moved on the background (a broken INT8 calibration of the tests
   moved mIoU by 1.07 points, the Dice by 0.07).
2. **Pixel agreement** with fp32, above a floor fp32 sets itself
   (:func:`agreement_floor`).
"""
import math
from typing import List, Tuple

import torch
from torch import Tensor

#: Largest change of mIoU either way, in points (percent).
MAX_MIOU_CHANGE = 0.5
#: Largest change of a two-class model's foreground Dice, in points.
MAX_DICE_CHANGE = 0.5
#: fp32 margin, in logits, below which a pixel is a near-tie: its two best
#: classes are within odds of e**0.1 = 1.105 : 1 (52.5 % against 47.5 %),
#: a call fp32 itself barely makes.
NEAR_TIE_MARGIN = 0.1


def decision_margins(scores: Tensor, threshold: float) -> Tensor:
    """How far each pixel is from changing class: (H, W) top-1 minus top-2
    logit of (C, H, W) scores (:func:`~.backend_segmentor.
    logits_to_prediction`); for one channel (a sigmoid), the distance of
    its logit from the ``threshold``'s."""
    if scores.shape[0] > 1:
        top2 = scores.topk(2, dim=0).values
        return top2[0] - top2[1]
    logit = torch.logit(scores[0].double(), eps=1e-12)
    return (logit - math.log(threshold / (1 - threshold))).abs()


def count_near_ties(scores: Tensor, threshold: float) -> int:
    """Pixels whose :func:`decision_margins` is below
    :data:`NEAR_TIE_MARGIN`."""
    return int((decision_margins(scores, threshold) < NEAR_TIE_MARGIN).sum())


def agreement_floor(near_ties: int, pixels: int) -> float:
    """Least share of pixels a precision must leave at fp32's class.

    An error of at most e per logit flips only pixels whose fp32 margin is
    below 2e, so a precision that merely rounds flips fp32's near-ties;
    the floor, 1 minus their share on the checked images, lets it flip as
    many. A model sure of its pixels gets a high floor, one uncertain at
    every class edge a low one: with margins spread evenly near zero the
    floor accepts a typical margin error at class edges up to 0.2 logit,
    whatever the model's confidence.

    Args:
        near_ties (int): fp32's near-tie pixels (:func:`count_near_ties`).
        pixels (int): All pixels checked.
    """
    return 1.0 - near_ties / pixels


def task_metrics(fp32: dict) -> List[Tuple[str, str, float]]:
    """The metrics judged, in order: each one's printed name, key in the
    figures and tolerance in points (Dice first for two classes, whose
    figures have ``Dice`` and ``Dice_class``)."""
    metrics = [('mIoU', 'mIoU', MAX_MIOU_CHANGE)]
    if 'Dice' in fp32:
        metrics.insert(0,
                       (f'Dice.{fp32["Dice_class"]}', 'Dice', MAX_DICE_CHANGE))
    return metrics


def judge(precision: str, row: dict, fp32: dict) -> Tuple[bool, str]:
    """Accept or refuse a precision by its figures ``row`` (the task
    metrics, ``agreement``, ``agreement_floor``, ``near_ties``) against
    ``fp32``'s: the task metric first, then agreement.

    Returns:
        tuple[bool, str]: Whether it is accepted, and one line: the
        criterion that refused it with its numbers, or every criterion's.
    """
    passed = []
    for name, key, tolerance in task_metrics(fp32):
        change = row[key] - fp32[key]
        metric = (f'{name} {row[key]:.2f} vs fp32 {fp32[key]:.2f} '
                  f'({change:+.2f}, tolerance {tolerance:.2f})')
        if not abs(change) <= tolerance:
            return False, f'{precision} refused: {metric}'
        passed.append(metric)
    pixels = (f'{100 * row["agreement"]:.3f} % of pixels agree with fp32, '
              f'floor {100 * row["agreement_floor"]:.3f} % (fp32 near-ties, '
              f'margin < {NEAR_TIE_MARGIN} logit: '
              f'{100 * row["near_ties"]:.3f} %)')
    if row['agreement'] < row['agreement_floor']:
        return False, f'{precision} refused: {pixels}'
    return True, f'{precision} accepted: {", ".join(passed)}; {pixels}'
