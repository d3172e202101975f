"""Write small synthetic datasets in the on-disk formats of the real ones.

Examples::

    python tools/misc/make_synthetic_data.py cityscapes_pairs \\
        data/cityscapes_pairs --num-train 200 --num-val 40
    python tools/misc/make_synthetic_data.py brain_tumor data/brain_tumor \\
        --num 100

Other tools import :func:`make_synthetic_data`: data for a config.
"""
import argparse
import math

from mmengine.config import Config
from mmengine.logging import print_log
from synthetic_brain_tumor import make_brain_tumor
from synthetic_cityscapes_pairs import make_cityscapes_pairs

from linknet_mm.errors import ConfigError

#: Shares of the brain-tumour images its ``train`` and ``test`` splits get.
BRAIN_TUMOR_TRAIN_SHARE, BRAIN_TUMOR_TEST_SHARE = 0.6, 0.2


def make_synthetic_data(
        cfg: Config,
        root: str,
        num_train: int,
        num_test: int = 1,
        instead: str = 'give the real data with --data-root') -> None:
    """Write ``num_train`` training and ``num_test`` test (or val) images
    for the config's dataset into ``root``; ``instead`` is what the error
    for a dataset without synthetic data tells the user to do."""
    kind = cfg.train_dataloader.dataset.type
    if kind == 'CityscapesPairsDataset':
        make_cityscapes_pairs(root, num_train, num_test)
    elif kind == 'BrainTumorDataset':  # enough for each split's share
        make_brain_tumor(
            root,
            max(
                math.ceil(num_train / BRAIN_TUMOR_TRAIN_SHARE),
                math.ceil(num_test / BRAIN_TUMOR_TEST_SHARE)) + 1)
    else:
        known = ['BrainTumorDataset', 'CityscapesPairsDataset']
        raise ConfigError(
            f'no synthetic data for train_dataloader.dataset.type={kind!r}'
            f' (known: {known}); {instead}')


def parse_args() -> argparse.Namespace:
    """The command-line arguments."""
    parser = argparse.ArgumentParser(
        description='Write a synthetic dataset in the real on-disk format')
    sub = parser.add_subparsers(dest='dataset', required=True)
    pairs = sub.add_parser(
        'cityscapes_pairs',
        help='Kaggle cityscapes-image-pairs layout: OUT_DIR/{train,val}/'
        'N.jpg, 256x512 photo | colour label JPEGs')
    pairs.add_argument('--num-train', type=int, default=200, help='train')
    pairs.add_argument('--num-val', type=int, default=40, help='val')
    brain = sub.add_parser(
        'brain_tumor',
        help='Kaggle brain-tumor-segmentation layout: OUT_DIR/images/N.png '
        '+ OUT_DIR/masks/N.png')
    brain.add_argument('--num', type=int, default=100, help='pairs')
    brain.add_argument(
        '--size', type=int, default=512, help='side of the slices')
    for command in (pairs, brain):
        command.add_argument('out_dir', help='output folder')
        command.add_argument('--seed', type=int, default=0, help='seed')
    return parser.parse_args()


def main() -> None:
    """Write the requested dataset."""
    args = parse_args()
    if args.dataset == 'cityscapes_pairs':
        make_cityscapes_pairs(args.out_dir, args.num_train, args.num_val,
                              args.seed)
        summary = f'{args.num_train} train + {args.num_val} val composites'
    else:
        make_brain_tumor(args.out_dir, args.num, args.seed, args.size)
        summary = f'{args.num} image/mask pairs of {args.size}x{args.size}'
    print_log(f'Wrote {summary} to {args.out_dir}', logger='current')


if __name__ == '__main__':
    main()
