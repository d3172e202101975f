"""Convert Kaggle Cityscapes pairs to the standard mmseg layout, offline.

Reads ``DATA_ROOT/{train,val}/NAME.jpg`` (photo | colour label composites)
and writes::

    OUT_DIR/img_dir/{train,val}/NAME.png                 # the photo
    OUT_DIR/ann_dir/{train,val}/NAME_labelTrainIds.png   # trainIds, 255 void

with the same decoding the on-the-fly pipeline uses (``LoadImageFromFile``
+ ``SplitImagePair`` + ``DecodeCityscapesColors``). Train on the result
with mmseg's ``CityscapesDataset`` settings (``img_suffix='.png'``,
``seg_map_suffix='_labelTrainIds.png'``). Every file is written under a
temporary name and renamed when complete, the label before its photo, so
an interrupted run leaves no half-written file under a final name and no
photo without its label. A composite that cannot be converted (empty,
truncated, grey, of another shape) is reported and skipped.

Example::

    python tools/dataset_converters/cityscapes_pairs.py \\
        data/cityscapes_pairs data/cityscapes_pairs_mmseg --nproc 4
"""
import argparse
import os
import os.path as osp
import sys
from typing import List, Optional, Tuple

import cv2
import numpy as np
from mmengine.logging import print_log
from mmengine.utils import track_parallel_progress, track_progress

from linknet_mm.datasets.cityscapes_color_decoder import \
    CityscapesColorDecoder
from linknet_mm.datasets.cityscapes_pairs import KAGGLE_SET
from linknet_mm.datasets.file_check import composite_problem, kaggle_hint
from linknet_mm.datasets.transforms.split_image_pair import split_image_pair
from linknet_mm.errors import LinkNetError

SPLITS = ('train', 'val')
SUFFIX = '.jpg'
LABEL_SUFFIX = '_labelTrainIds.png'

# (composite, photo output, label output, photo side)
Task = Tuple[str, str, str, str]


def write_png(path: str, image: np.ndarray) -> None:
    """Write a PNG under a temporary name, then rename it into place.

    Args:
        path (str): Final path.
        image (np.ndarray): The image.
    """
    folder, name = osp.split(path)
    tmp = osp.join(folder, f'.{name}.tmp.png')
    try:
        if not cv2.imwrite(tmp, image):
            raise OSError(f'Could not write {tmp}')
        os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)


def convert_one(task: Task) -> Optional[str]:
    """Convert one composite.

    Args:
        task (Task): Composite path, photo and label output paths and the
            photo side.

    Returns:
        str, optional: Why the composite could not be converted (it names
        the file); None once both files are written.
    """
    src, img_out, ann_out, photo_side = task
    problem = composite_problem(src)
    if problem:
        return f'{src} is {problem}'
    try:
        photo, color = split_image_pair(cv2.imread(src), photo_side, src)
    except LinkNetError as error:
        return str(error)
    write_png(ann_out, CityscapesColorDecoder()(color))
    write_png(img_out, photo)
    return None


def list_tasks(data_root: str, out_dir: str, photo_side: str) -> List[Task]:
    """List the conversions and create the output folders.

    Args:
        data_root (str): Folder with ``train/`` and ``val/``.
        out_dir (str): Output folder.
        photo_side (str): Half of the composites that holds the photo.

    Returns:
        list[Task]: One task per composite.
    """
    tasks = []
    for split in SPLITS:
        src_dir = osp.join(data_root, split)
        if not osp.isdir(src_dir):
            raise FileNotFoundError(
                f'{src_dir} does not exist. ' + kaggle_hint(
                    KAGGLE_SET, 'unzip it so that DATA_ROOT/train and '
                    'DATA_ROOT/val hold the *.jpg composites'))
        names = sorted(
            name for name in os.listdir(src_dir) if name.endswith(SUFFIX))
        if not names:
            raise FileNotFoundError(f'{src_dir} has no *{SUFFIX} files')
        img_dir = osp.join(out_dir, 'img_dir', split)
        ann_dir = osp.join(out_dir, 'ann_dir', split)
        os.makedirs(img_dir, exist_ok=True)
        os.makedirs(ann_dir, exist_ok=True)
        for name in names:
            stem = name[:-len(SUFFIX)]
            tasks.append((osp.join(src_dir, name),
                          osp.join(img_dir, stem + '.png'),
                          osp.join(ann_dir, stem + LABEL_SUFFIX), photo_side))
    return tasks


def convert_cityscapes_pairs(data_root: str,
                             out_dir: str,
                             photo_side: str = 'left',
                             nproc: int = 1) -> Tuple[int, List[str]]:
    """Convert both splits, with a progress bar.

    Args:
        data_root (str): Folder with ``train/`` and ``val/``.
        out_dir (str): Output folder.
        photo_side (str): Half of the composites that holds the photo.
            Defaults to 'left'.
        nproc (int): Worker processes. Defaults to 1.

    Returns:
        tuple[int, list[str]]: How many composites were converted, and one
        message per composite that could not be (each names its file).
    """
    if nproc < 1:
        raise ValueError(f'--nproc must be >= 1, got {nproc}')
    tasks = list_tasks(data_root, out_dir, photo_side)
    if nproc > 1:
        results = track_parallel_progress(convert_one, tasks, nproc)
    else:
        results = track_progress(convert_one, tasks)
    failures = [message for message in results if message]
    return len(tasks) - len(failures), failures


def main() -> None:
    """Convert both splits."""
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
    args = parser.parse_args()
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
