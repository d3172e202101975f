"""Convert Kaggle Cityscapes pairs to the standard mmseg layout, offline.

Reads ``DATA_ROOT/{train,val}/NAME.jpg`` (photo | colour label composites)
and writes::

    OUT_DIR/img_dir/{train,val}/NAME.png                 # the photo
    OUT_DIR/ann_dir/{train,val}/NAME_labelTrainIds.png   # trainIds, 255 void

with the same decoding the on-the-fly pipeline uses (``LoadCityscapesPair``
+ ``DecodeCityscapesColors``). Train on the result with mmseg's
``CityscapesDataset`` settings (``img_suffix='.png'``,
``seg_map_suffix='_labelTrainIds.png'``). Every file is written under a
temporary name and renamed when complete, the label before its photo, so
an interrupted run leaves no half-written file under a final name and no
photo without its label.

Example::

    python tools/dataset_converters/cityscapes_pairs.py \\
        data/cityscapes_pairs data/cityscapes_pairs_mmseg --nproc 4
"""
import argparse
import sys

from mmengine.logging import print_log

from linknet_mm.datasets.convert_cityscapes_pairs import \
    convert_cityscapes_pairs


def parse_args() -> argparse.Namespace:
    """Parse the command line.

    Returns:
        argparse.Namespace: The arguments.
    """
    parser = argparse.ArgumentParser(
        description='Convert Kaggle cityscapes-image-pairs composites to '
        'img_dir/ + ann_dir/ (trainId PNGs)')
    parser.add_argument(
        'data_root', help='folder with train/ and val/ of *.jpg composites')
    parser.add_argument('out_dir', help='output folder')
    parser.add_argument(
        '--nproc', type=int, default=1, help='worker processes')
    parser.add_argument(
        '--photo-side',
        choices=('left', 'right'),
        default='left',
        help='half of the composites that holds the photo')
    return parser.parse_args()


def main() -> None:
    """Convert both splits."""
    args = parse_args()
    count, failures = convert_cityscapes_pairs(args.data_root, args.out_dir,
                                               args.photo_side, args.nproc)
    print_log(
        f'Converted {count} composites to {args.out_dir}/img_dir and '
        f'{args.out_dir}/ann_dir',
        logger='current')
    if failures:
        sys.exit(f'{len(failures)} composite(s) not converted:\n' +
                 '\n'.join(failures))


if __name__ == '__main__':
    main()
