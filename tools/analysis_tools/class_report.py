"""Failure analysis of a multi-class test run: where the model fails.

Reads ``confusion_matrix.json`` (written to the work dir by ``tools/test.py
CONFIG CKPT --work-dir DIR`` with the ``ClassWiseIoUMetric`` evaluator),
prints per-class IoU with each class's share of the labelled pixels, the
mean IoU of the classes grouped by that share, and the largest
confusions. With ``--vis-dir`` (the ``--show-dir`` of the same run) it
also writes a figure of ``--num`` panels evenly spaced over the test order.

Example::

    python tools/test.py configs/linknet_cityscapes.py CKPT \\
        --work-dir work_dirs/cs_test --show-dir vis
    python tools/analysis_tools/class_report.py \\
        work_dirs/cs_test/confusion_matrix.json \\
        --vis-dir work_dirs/cs_test/vis --out sample.png
"""
import argparse
import glob
import os.path as osp
import sys

import cv2
import numpy as np

from linknet_mm.analysis.class_report import (class_rows, coverage_groups,
                                              load_confusion, top_confusions)
from gallery import make_gallery


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


def draw(vis_dir: str, num: int, out: str, width: int) -> None:
    """Write a figure of ``num`` panels evenly spaced over the test order.

    Args:
        vis_dir (str): Where the test run drew its panels.
        num (int): How many.
        out (str): Output PNG.
        width (int): Panel width.
    """
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
    for group in coverage_groups(rows):
        print(f'  {group.name:>10}: {group.mean_iou:6.2f} '
              f'({len(group.classes)}: {", ".join(group.classes)})')
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
