"""Failure analysis of a test run: per-image Dice by size, worst images.

Reads ``per_image_dice.json`` (written to the work dir by ``tools/test.py
CONFIG CKPT --out DIR`` with a ``test_evaluator`` that has
``per_image_classes``), prints the per-image Dice by the class's area and
the worst images, and, with ``--vis-dir`` (the ``--show-dir`` of the same
test run), writes two figures: the worst images and a sample spread evenly
over the ranking (from the best to the worst, so that the figure shows
the whole range rather than hand-picked successes).

Example::

    python tools/test.py configs/linknet_brain_tumor.py CKPT \\
        --work-dir work_dirs/brain_test --out work_dirs/brain_test/preds \\
        --show-dir vis
    python tools/analysis_tools/per_image_report.py \\
        work_dirs/brain_test/per_image_dice.json \\
        --vis-dir work_dirs/brain_test/vis --out-dir report
"""
import argparse
import glob
import json
import os
import os.path as osp
import sys
from typing import List, NamedTuple, Sequence, Tuple

import cv2
import numpy as np

from linknet_mm.evaluation.metrics.per_image_dice import area_bin_names
from gallery import make_gallery


class PerImageScores(NamedTuple):
    """Per-image scores of one class, in the order the test ran."""
    img_paths: List[str]
    dice: np.ndarray  # percent
    gt_percent: np.ndarray  # the class's area, percent of the image


def load_per_image(path: str, class_name: str) -> PerImageScores:
    """Read one class's scores from ``per_image_dice.json``."""
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


def dice_by_size(scores: PerImageScores, area_bins: Sequence[float]
                 ) -> List[Tuple[str, int, float, float]]:
    """``(bin, images, mean, median)`` of per-image Dice per area bin
    (increasing edges, percent), then ``'absent'`` (images without the
    class), if any."""
    present = scores.gt_percent > 0
    which = np.digitize(scores.gt_percent, area_bins)
    groups = [(name, present & (which == i))
              for i, name in enumerate(area_bin_names(area_bins))]
    if not present.all():
        groups.append(('absent', ~present))
    return [(name, int(members.sum()),
             float(np.mean(scores.dice[members])) if members.any()
             else float('nan'),
             float(np.median(scores.dice[members])) if members.any()
             else float('nan')) for name, members in groups]


def worst(scores: PerImageScores, count: int) -> List[int]:
    """Indices of the ``count`` lowest Dice, lowest first (ties: test order).
    """
    return [int(i) for i in np.argsort(scores.dice, kind='stable')[:count]]


def spread(scores: PerImageScores, count: int) -> List[int]:
    """Indices of ``count`` images evenly spaced over the Dice ranking,
    best first."""
    order = np.argsort(-scores.dice, kind='stable')
    positions = np.linspace(0, len(order) - 1, min(count, len(order)))
    return [int(order[p]) for p in positions.round().astype(int)]


def find_panel(vis_dir: str, img_path: str) -> str:
    """The ``test_<file name>_<step>.png`` panel that ``tools/test.py
    --show-dir`` (mmseg's ``SegVisualizationHook``) drew below ``vis_dir``
    for ``img_path``."""
    name = glob.escape(f'test_{osp.basename(img_path)}')
    found = sorted(glob.glob(osp.join(glob.escape(vis_dir), '**',
                                      f'{name}_*.png'), recursive=True))
    if not found:
        raise FileNotFoundError(
            f'no panel test_{osp.basename(img_path)}_*.png below {vis_dir}: '
            'draw them with tools/test.py --show-dir')
    return found[-1]


def draw(scores: PerImageScores, indices: list, vis_dir: str, path: str,
         width: int) -> None:
    """Write a figure of the panels of ``indices``, captioned with Dice."""
    panels = [cv2.imread(find_panel(vis_dir, scores.img_paths[i]))
              for i in indices]
    captions = [
        f'{osp.basename(scores.img_paths[i])}: Dice {scores.dice[i]:.1f}, '
        f'area {scores.gt_percent[i]:.2f}% (image | truth | prediction)'
        for i in indices
    ]
    cv2.imwrite(path, make_gallery(panels, captions, width))
    print(f'written: {path}')


def parse_args() -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('per_image_json', help='per_image_dice.json')
    parser.add_argument('--class', dest='class_name', default='tumor',
                        help='class to analyse (default: tumor)')
    parser.add_argument('--area-bins', type=float, nargs='+', default=[1, 2],
                        help='size-bin edges, percent of the image')
    parser.add_argument('--worst', type=int, default=5,
                        help='how many worst images to list and draw')
    parser.add_argument('--sample', type=int, default=6,
                        help='how many images spread over the ranking')
    parser.add_argument('--vis-dir', help='--show-dir of the test run')
    parser.add_argument('--out-dir', default='.',
                        help='where the figures go (default: .)')
    parser.add_argument('--width', type=int, default=576,
                        help='width of one panel in the figures')
    return parser.parse_args()


def main() -> None:
    """Print the tables and draw the figures."""
    args = parse_args()
    scores = load_per_image(args.per_image_json, args.class_name)
    print(f'{len(scores.dice)} images, per-image Dice of '
          f'{args.class_name!r}: mean {scores.dice.mean():.2f}')
    print(f'{"area":>8} {"images":>7} {"mean":>7} {"median":>7}')
    for name, count, mean, median in dice_by_size(scores, args.area_bins):
        print(f'{name:>8} {count:>7} {mean:>7.2f} {median:>7.2f}')
    print(f'worst {args.worst}:')
    for i in worst(scores, args.worst):
        print(f'  {scores.img_paths[i]}  Dice {scores.dice[i]:.2f}  '
              f'area {scores.gt_percent[i]:.3f}%')
    if args.vis_dir:
        os.makedirs(args.out_dir, exist_ok=True)
        draw(scores, worst(scores, args.worst), args.vis_dir,
             osp.join(args.out_dir, f'worst_{args.worst}.png'), args.width)
        draw(scores, spread(scores, args.sample), args.vis_dir,
             osp.join(args.out_dir, f'sample_{args.sample}.png'), args.width)


if __name__ == '__main__':
    try:
        main()
    except (FileNotFoundError, ValueError) as error:
        sys.exit(f'error: {error}')
