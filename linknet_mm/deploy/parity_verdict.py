"""Whether a low precision may stand in for fp32, and the line saying why.

Two criteria, in this order:

1. **The task metric**, as users judge a model and as MMDeploy's
   regression test judges a backend (its ``tests/regression/mmseg.yml``:
   mIoU at most 1 point below PyTorch's): mIoU, and the foreground Dice of a
   two-class model, must stay within :data:`MAX_MIOU_CHANGE` and
   :data:`MAX_DICE_CHANGE` points of fp32's, either way.
2. **Pixel agreement** with fp32, above a floor that fp32 sets itself
   (:func:`agreement_floor`): a precision may change the class of no more
   pixels than fp32 has near-ties (:data:`NEAR_TIE_MARGIN`).
"""
import math
from typing import List, Tuple

import torch
from torch import Tensor

#: Largest change of mIoU either way, in points (percent).
MAX_MIOU_CHANGE = 0.5
#: Largest change of the foreground Dice of a two-class model, in points
#: (0.5 points = 0.005).
MAX_DICE_CHANGE = 0.5
#: fp32 margin, in logits, below which a pixel is a near-tie: its two best
#: classes are within odds of e**0.1 = 1.105 : 1 (52.5 % against 47.5 %
#: between them), a call fp32 itself barely makes.
NEAR_TIE_MARGIN = 0.1


def decision_margins(scores: Tensor, threshold: float) -> Tensor:
    """How far each pixel is from changing class, in logits.

    Args:
        scores (Tensor): (C, H, W) scores of
            :func:`~.backend_segmentor.logits_to_prediction`: logits, or
            for one channel its sigmoid.
        threshold (float): Of a one-channel head.

    Returns:
        Tensor: (H, W) top-1 minus top-2 logit; for one channel, the
        distance of the logit from the threshold's.
    """
    if scores.shape[0] > 1:
        top2 = scores.topk(2, dim=0).values
        return top2[0] - top2[1]
    logit = torch.logit(scores[0].double(), eps=1e-12)
    return (logit - math.log(threshold / (1 - threshold))).abs()


def count_near_ties(scores: Tensor, threshold: float) -> int:
    """Pixels whose margin (:func:`decision_margins`) is a near-tie.

    Args:
        scores (Tensor): (C, H, W) fp32 scores, as
            :func:`decision_margins`.
        threshold (float): Of a one-channel head.

    Returns:
        int: Pixels with a margin below :data:`NEAR_TIE_MARGIN`.
    """
    return int((decision_margins(scores, threshold) < NEAR_TIE_MARGIN).sum())


def agreement_floor(near_ties: int, pixels: int) -> float:
    """Least share of pixels a precision must leave at fp32's class.

    A pixel changes class only where the precision's error closes the gap
    between fp32's two best classes: an error of at most e per logit can
    flip only pixels whose margin is below 2e. A precision that merely
    rounds therefore flips pixels fp32 itself barely decides, its
    near-ties, and the floor lets it flip as many as there are. The floor
    is fp32's, measured on the checked images, so a model sure of its
    pixels gets a high floor and one uncertain at every class edge a low
    one. With margins spread evenly near zero, the flipped share is half
    the precision's typical margin error times their density and the
    near-tie share :data:`NEAR_TIE_MARGIN` times it: the floor accepts a
    typical margin error at class edges up to 0.2 logit, whatever the
    model's confidence.

    Args:
        near_ties (int): fp32's near-tie pixels (:func:`count_near_ties`).
        pixels (int): All pixels checked.

    Returns:
        float: 1 minus the near-tie share.
    """
    return 1.0 - near_ties / pixels


def task_metrics(fp32: dict) -> List[Tuple[str, str, float]]:
    """The metrics a precision is judged by, in the order checked.

    A two-class model is judged by its foreground Dice and by mIoU: the
    Dice alone misses pixels moved on the background (a broken INT8
    calibration of the tests moved mIoU by 1.07 points, the Dice by 0.07).

    Args:
        fp32 (dict): fp32's figures; a two-class model's have ``Dice``
            and ``Dice_class``.

    Returns:
        list[tuple[str, str, float]]: Each metric's name as printed, its
        key in the figures and its tolerance in points.
    """
    metrics = [('mIoU', 'mIoU', MAX_MIOU_CHANGE)]
    if 'Dice' in fp32:
        metrics.insert(0,
                       (f'Dice.{fp32["Dice_class"]}', 'Dice', MAX_DICE_CHANGE))
    return metrics


def judge(precision: str, row: dict, fp32: dict) -> Tuple[bool, str]:
    """Accept or refuse a precision: the task metric first, then agreement.

    Args:
        precision (str): Its name.
        row (dict): Its figures: the task metrics (:func:`task_metrics`),
            ``agreement`` (0-1), ``agreement_floor`` (0-1, of
            :func:`agreement_floor`) and ``near_ties`` (0-1).
        fp32 (dict): fp32's figures.

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
