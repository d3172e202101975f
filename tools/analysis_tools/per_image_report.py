"""Failure analysis of a test run: per-image Dice by size, worst images.

Reads ``per_image_dice.json`` (written to the work dir by ``tools/test.py
CONFIG CKPT --out DIR`` with a ``test_evaluator`` that has
``per_image_classes``), prints the
per-image Dice by the class's area and the worst images, and, with
``--vis-dir`` (the ``--show-dir`` of the same test run), writes two
figures: the worst images and a sample spread evenly over the ranking.

Example::

    python tools/test.py configs/linknet_brain_tumor.py CKPT \\
        --work-dir work_dirs/brain_test --out work_dirs/brain_test/preds \\
        --show-dir vis
    python tools/analysis_tools/per_image_report.py \\
        work_dirs/brain_test/per_image_dice.json \\
        --vis-dir work_dirs/brain_test/vis --out-dir report
"""
import argparse
import os
import os.path as osp
import sys

import cv2

from linknet_mm.analysis.per_image_report import (PerImageScores,
                                                  dice_by_size, find_panel,
                                                  load_per_image, spread,
                                                  worst)
from gallery import make_gallery


def parse_args() -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('per_image_json', help='per_image_dice.json')
    parser.add_argument('--class', dest='class_name', default='tumor',
                        help='class to analyse (default: tumor)')
    parser.add_argument('--area-bins', type=float, nargs='+',
                        default=[1, 2],
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


def draw(scores: PerImageScores, indices: list, vis_dir: str,
         path: str, width: int) -> None:
    """Write a figure of the panels of ``indices``, captioned with Dice.

    Args:
        scores (PerImageScores): The scores.
        indices (list): Which images.
        vis_dir (str): Where the test run drew its panels.
        path (str): Output PNG.
        width (int): Panel width.
    """
    panels = [cv2.imread(find_panel(vis_dir, scores.img_paths[i]))
              for i in indices]
    captions = [
        f'{osp.basename(scores.img_paths[i])}: Dice {scores.dice[i]:.1f}, '
        f'area {scores.gt_percent[i]:.2f}% (image | truth | prediction)'
        for i in indices
    ]
    cv2.imwrite(path, make_gallery(panels, captions, width))
    print(f'written: {path}')


def main() -> None:
    """Print the tables and draw the figures."""
    args = parse_args()
    scores = load_per_image(args.per_image_json, args.class_name)
    print(f'{len(scores.dice)} images, per-image Dice of '
          f'{args.class_name!r}: mean {scores.dice.mean():.2f}')
    print(f'{"area":>8} {"images":>7} {"mean":>7} {"median":>7}')
    for row in dice_by_size(scores, args.area_bins):
        print(f'{row.name:>8} {row.count:>7} {row.mean:>7.2f} '
              f'{row.median:>7.2f}')
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
