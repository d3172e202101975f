"""Write small synthetic datasets in the on-disk formats of the real ones.

Examples::

    python tools/misc/make_synthetic_data.py cityscapes_pairs \\
        data/cityscapes_pairs --num-train 200 --num-val 40
    python tools/misc/make_synthetic_data.py brain_tumor data/brain_tumor \\
        --num 100
"""
import argparse

from mmengine.logging import print_log

from linknet_mm.synthetic import make_brain_tumor, make_cityscapes_pairs


def parse_args() -> argparse.Namespace:
    """Parse the command line.

    Returns:
        argparse.Namespace: The arguments.
    """
    parser = argparse.ArgumentParser(
        description='Write a synthetic dataset in the real on-disk format')
    sub = parser.add_subparsers(dest='dataset', required=True)
    pairs = sub.add_parser(
        'cityscapes_pairs',
        help='Kaggle cityscapes-image-pairs layout: OUT_DIR/{train,val}/'
        'N.jpg, 256x512 photo | colour label JPEGs')
    pairs.add_argument('out_dir', help='output folder')
    pairs.add_argument(
        '--num-train', type=int, default=200, help='training composites')
    pairs.add_argument(
        '--num-val', type=int, default=40, help='validation composites')
    pairs.add_argument('--seed', type=int, default=0, help='random seed')
    brain = sub.add_parser(
        'brain_tumor',
        help='Kaggle brain-tumor-segmentation layout: OUT_DIR/images/N.png '
        '+ OUT_DIR/masks/N.png')
    brain.add_argument('out_dir', help='output folder')
    brain.add_argument('--num', type=int, default=100, help='pairs')
    brain.add_argument('--seed', type=int, default=0, help='random seed')
    brain.add_argument(
        '--size', type=int, default=512, help='side of the slices')
    return parser.parse_args()


def main() -> None:
    """Write the requested dataset."""
    args = parse_args()
    if args.dataset == 'cityscapes_pairs':
        make_cityscapes_pairs(args.out_dir, args.num_train, args.num_val,
                              args.seed)
        summary = (f'{args.num_train} train + {args.num_val} val '
                   'composites')
    else:
        make_brain_tumor(args.out_dir, args.num, args.seed, args.size)
        summary = f'{args.num} image/mask pairs of {args.size}x{args.size}'
    print_log(f'Wrote {summary} to {args.out_dir}', logger='current')


if __name__ == '__main__':
    main()
