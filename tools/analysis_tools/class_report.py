"""Failure analysis of a multi-class test run: where the model fails.

Reads ``confusion_matrix.json`` (written to the work dir by ``tools/test.py
CONFIG CKPT --work-dir DIR`` with the ``ClassWiseIoUMetric`` evaluator),
prints per-class IoU (mmseg's sums) with each class's share of the
labelled pixels, the mean IoU of the classes grouped by that share, and
the largest confusions as shares of the true class: what mmseg's
``confusion_matrix.py`` plot leaves to the eye. With ``--vis-dir`` (the
``--show-dir`` of the same run) it also writes a figure of ``--num``
panels evenly spaced over the test order.

Example::

    python tools/test.py configs/linknet_cityscapes.py CKPT \\
        --work-dir work_dirs/cs_test --show-dir vis
    python tools/analysis_tools/class_report.py \\
        work_dirs/cs_test/confusion_matrix.json \\
        --vis-dir work_dirs/cs_test/vis --out sample.png
"""
import argparse
import glob
import json
import os.path as osp
import sys
from typing import List, NamedTuple, Sequence, Tuple

import cv2
import numpy as np
import torch
from mmseg.evaluation import IoUMetric

from gallery import make_gallery


class ClassRow(NamedTuple):
    """One class: share of the labelled pixels, IoU and accuracy (percent;
    nan when the class is neither labelled nor predicted)."""
    name: str
    share: float
    iou: float
    acc: float


def load_confusion(path: str) -> Tuple[List[str], np.ndarray]:
    """Class names and pixel counts (rows: truth) of ``confusion_matrix.json``.
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
    """Per-class share, IoU and accuracy, in class order."""
    intersect = torch.from_numpy(np.diag(counts).astype(np.float64))
    label = torch.from_numpy(counts.sum(axis=1).astype(np.float64))
    pred = torch.from_numpy(counts.sum(axis=0).astype(np.float64))
    metrics = IoUMetric.total_area_to_metrics(
        intersect, label + pred - intersect, pred, label, ['mIoU'])
    share = 100 * label.numpy() / max(float(label.sum()), 1.0)
    return [ClassRow(name, float(s), 100 * float(iou), 100 * float(acc))
            for name, s, iou, acc in zip(classes, share, metrics['IoU'],
                                         metrics['Acc'])]


def coverage_groups(rows: Sequence[ClassRow],
                    edges: Sequence[float] = (10, 1, 0.1)
                    ) -> List[Tuple[str, List[str], float]]:
    """``(range, classes, mean IoU)`` of the classes grouped by their share
    (decreasing ``edges``, percent), largest first; classes never labelled
    and empty groups are left out."""
    bounds = [float('inf'), *edges, 0.0]
    groups = []
    for upper, lower in zip(bounds[:-1], bounds[1:]):
        members = [r for r in rows if lower <= r.share < upper and r.share]
        if members:
            name = (f'>= {lower:g} %' if upper == float('inf') else
                    f'{lower:g}-{upper:g} %' if lower else f'< {upper:g} %')
            groups.append((name, [r.name for r in members],
                           float(np.nanmean([r.iou for r in members]))))
    return groups


def top_confusions(classes: Sequence[str], counts: np.ndarray,
                   count: int) -> List[Tuple[str, str, float]]:
    """The ``count`` largest off-diagonal entries as ``(true, predicted,
    percent of the true class's pixels)``, largest first."""
    rows = counts.sum(axis=1, keepdims=True)
    share = np.divide(100 * counts, rows, out=np.zeros(counts.shape),
                      where=rows > 0)
    np.fill_diagonal(share, 0)
    order = np.argsort(-share, axis=None, kind='stable')[:count]
    return [(classes[i], classes[j], float(share[i, j]))
            for i, j in zip(*np.unravel_index(order, share.shape))
            if share[i, j] > 0]


def draw(vis_dir: str, num: int, out: str, width: int) -> None:
    """Write a figure of ``num`` panels evenly spaced over the test order."""
    panels = sorted(glob.glob(osp.join(glob.escape(vis_dir), '**',
                                       'test_*.png'), recursive=True))
    if not panels:
        raise FileNotFoundError(f'no test_*.png panels below {vis_dir}: '
                                'draw them with tools/test.py --show-dir')
    picks = np.linspace(0, len(panels) - 1, min(num, len(panels)))
    chosen = [panels[int(round(i))] for i in picks]
    captions = [f'{osp.basename(p)[5:].rsplit("_", 1)[0]} (photo | label | '
                'prediction)' for p in chosen]
    cv2.imwrite(out, make_gallery([cv2.imread(p) for p in chosen], captions,
                                  width))
    print(f'written: {out}')


def parse_args() -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('confusion_json', help='confusion_matrix.json')
    parser.add_argument('--top', type=int, default=8,
                        help='how many confusions to list')
    parser.add_argument('--vis-dir', help='--show-dir of the test run')
    parser.add_argument('--num', type=int, default=6,
                        help='panels in the figure')
    parser.add_argument('--out', default='sample.png',
                        help='the figure (default: sample.png)')
    parser.add_argument('--width', type=int, default=576,
                        help='width of one panel in the figure')
    return parser.parse_args()


def main() -> None:
    """Print the tables and draw the figure."""
    args = parse_args()
    classes, counts = load_confusion(args.confusion_json)
    rows = class_rows(classes, counts)
    print(f'{"class":>14} {"share %":>8} {"IoU":>6} {"Acc":>6}')
    for row in sorted(rows, key=lambda r: -r.share):
        print(f'{row.name:>14} {row.share:>8.3f} {row.iou:>6.2f} '
              f'{row.acc:>6.2f}')
    print('mean IoU by share of the labelled pixels:')
    for name, members, mean_iou in coverage_groups(rows):
        print(f'  {name:>10}: {mean_iou:6.2f} '
              f'({len(members)}: {", ".join(members)})')
    print('largest confusions (% of the true class\'s pixels):')
    for true, pred, share in top_confusions(classes, counts, args.top):
        print(f'  {true:>14} -> {pred:<14} {share:6.2f}')
    if args.vis_dir:
        draw(args.vis_dir, args.num, args.out, args.width)


if __name__ == '__main__':
    try:
        main()
    except (FileNotFoundError, ValueError) as error:
        sys.exit(f'error: {error}')
