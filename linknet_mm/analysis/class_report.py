"""Failure analysis of a multi-class test run from its confusion matrix.

``ClassWiseIoUMetric`` (``tools/test.py --work-dir``) writes
``confusion_matrix.json``; these functions read it back and say where a
model fails: per-class IoU grouped by how much of the labelled image each
class covers, and the largest confusions between classes.
"""
import json
import os.path as osp
from typing import List, NamedTuple, Sequence, Tuple

import numpy as np
import torch
from mmseg.evaluation import IoUMetric


class ClassRow(NamedTuple):
    """One class of the confusion matrix."""
    name: str
    share: float  # percent of the labelled pixels
    iou: float  # percent; nan when neither labelled nor predicted
    acc: float  # percent of its pixels predicted as it; nan if absent


class CoverageGroup(NamedTuple):
    """The classes whose share falls in one range."""
    name: str
    classes: List[str]
    mean_iou: float


def load_confusion(path: str) -> Tuple[List[str], np.ndarray]:
    """Read ``confusion_matrix.json``.

    Args:
        path (str): The file ``ClassWiseIoUMetric`` wrote.

    Returns:
        tuple[list[str], np.ndarray]: Class names and pixel counts (rows:
        ground truth, columns: prediction).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'{path} not found: run tools/test.py CONFIG CKPT --work-dir '
            'DIR with the ClassWiseIoUMetric evaluator to write it')
    with open(path) as f:
        data = json.load(f)
    counts = np.asarray(data['counts'], dtype=np.int64)
    if counts.shape != (len(data['classes']), ) * 2:
        raise ValueError(f'{path}: counts of shape {counts.shape} for '
                         f'{len(data["classes"])} classes')
    return list(data['classes']), counts


def class_rows(classes: Sequence[str], counts: np.ndarray) -> List[ClassRow]:
    """Per-class share, IoU and accuracy, IoU by mmseg's own sums.

    Args:
        classes (Sequence[str]): Class names.
        counts (np.ndarray): The confusion matrix.

    Returns:
        list[ClassRow]: In class order.
    """
    intersect = torch.from_numpy(np.diag(counts).astype(np.float64))
    label = torch.from_numpy(counts.sum(axis=1).astype(np.float64))
    pred = torch.from_numpy(counts.sum(axis=0).astype(np.float64))
    metrics = IoUMetric.total_area_to_metrics(
        intersect, label + pred - intersect, pred, label, ['mIoU'])
    share = 100 * label.numpy() / max(float(label.sum()), 1.0)
    return [
        ClassRow(name, float(s), 100 * float(iou), 100 * float(acc))
        for name, s, iou, acc in zip(classes, share, metrics['IoU'],
                                     metrics['Acc'])
    ]


def coverage_groups(rows: Sequence[ClassRow],
                    edges: Sequence[float] = (10, 1, 0.1)
                    ) -> List[CoverageGroup]:
    """Classes grouped by their share of the labelled pixels.

    Args:
        rows (Sequence[ClassRow]): From :func:`class_rows`.
        edges (Sequence[float]): Decreasing share thresholds in percent.

    Returns:
        list[CoverageGroup]: From the largest classes to the smallest;
        empty groups are left out.
    """
    bounds = [float('inf'), *edges, 0.0]
    groups = []
    for upper, lower in zip(bounds[:-1], bounds[1:]):
        members = [r for r in rows if lower <= r.share < upper and r.share]
        if not members:
            continue
        name = (f'>= {lower:g} %' if upper == float('inf') else
                f'{lower:g}-{upper:g} %' if lower else f'< {upper:g} %')
        groups.append(
            CoverageGroup(name, [r.name for r in members],
                          float(np.nanmean([r.iou for r in members]))))
    return groups


def top_confusions(classes: Sequence[str], counts: np.ndarray,
                   count: int) -> List[Tuple[str, str, float]]:
    """The largest off-diagonal entries, as shares of the true class.

    Args:
        classes (Sequence[str]): Class names.
        counts (np.ndarray): The confusion matrix.
        count (int): How many.

    Returns:
        list[tuple[str, str, float]]: (true class, predicted class,
        percent of the true class's pixels), largest first.
    """
    rows = counts.sum(axis=1, keepdims=True)
    share = np.divide(100 * counts, rows, out=np.zeros(counts.shape),
                      where=rows > 0)
    np.fill_diagonal(share, 0)
    order = np.argsort(-share, axis=None, kind='stable')[:count]
    return [(classes[i], classes[j], float(share[i, j]))
            for i, j in zip(*np.unravel_index(order, share.shape))
            if share[i, j] > 0]
