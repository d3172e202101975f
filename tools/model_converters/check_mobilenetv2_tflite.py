"""Check converted MobileNetV2 weights against TFLite's own interpreter.

Builds the config's backbone (its ``init_cfg``: the converted checkpoint;
its data preprocessor: the normalisation), puts TF's head convolution and
classifier from SRC on top, and compares it with LiteRT running SRC on the
same images: top-1 agreement, logit differences, and each layer fed
TFLite's own activations (see ``tflite_check.py``). For DeepLabV3's
encoder (not a classifier) the check is the input normalisation and the
layer-wise comparison, at the file's input size. Exits 1 when the check
fails. Needs the ``tflite`` and ``ai-edge-litert`` packages (the tests
extra).
"""
import argparse
import glob
import json
import os.path as osp
import sys
from typing import Dict, Sequence

import cv2
import numpy as np
from mmengine.config import DictAction
from mmengine.registry import init_default_scope
from tflite_check import (INPUT_TOLERANCE, check_conversion,
                          check_encoder_conversion, softmax_inputs)
from tflite_interpreter import interpreter

from linknet_mm.errors import (ImageReadError, InputError, LinkNetError,
                               error_line)
from linknet_mm.utils import load_config

#: How many images' top-1 classes are listed.
LISTED = 5
#: The raw test images Google ships beside the TFLite files: 224x224 RGB.
RAW_SUFFIX, RAW_SIZE = '.rgb', 224


def parse_args() -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(
        description='Compare converted MobileNetV2 weights with TFLite')
    parser.add_argument('src', help='the .tflite file the weights came from')
    parser.add_argument('config', help='a config using the converted weights')
    parser.add_argument(
        'images', nargs='+',
        help='images or folders of them (.jpg, .png, raw 224x224 .rgb)')
    parser.add_argument(
        '--photo-halves', action='store_true',
        help='the images are photo | label composites (Cityscapes pairs): '
        'use the left half')
    parser.add_argument('--out', help='write every figure to this JSON file')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings of the config, e.g. '
        'model.backbone.init_cfg.checkpoint=other.pth')
    return parser.parse_args()


def read_check_images(paths: Sequence[str], photo_halves: bool = False,
                      size: int = RAW_SIZE) -> Dict[str, np.ndarray]:
    """Path -> uint8 RGB image, centre-cropped to a square of ``size``.

    Args:
        paths (Sequence[str]): Image files (``.jpg``, ``.png``, raw
            ``.rgb``), or folders of them.
        photo_halves (bool): Keep the left half (photo | label pairs).
        size (int): Side of the images (the file's input size).
    """
    files = []
    for path in paths:
        files += (sorted(
            f for f in glob.glob(osp.join(path, '*'))
            if f.lower().endswith(('.jpg', '.jpeg', '.png', RAW_SUFFIX)))
                  if osp.isdir(path) else [path])
    if not files:
        raise InputError(f'no images in {list(paths)}; expected .jpg, .png '
                         f'or {RAW_SUFFIX} files')
    return {path: _read_one(path, photo_halves, size) for path in files}


def _read_one(path: str, photo_halves: bool, size: int) -> np.ndarray:
    """One image of :func:`read_check_images`."""
    if path.endswith(RAW_SUFFIX):
        raw = np.fromfile(path, np.uint8)
        if size != RAW_SIZE:
            raise ImageReadError(
                f'{path}: {RAW_SUFFIX} images are {RAW_SIZE}x{RAW_SIZE}; '
                f'this file takes {size}x{size}: give .jpg or .png images')
        if raw.size != RAW_SIZE * RAW_SIZE * 3:
            raise ImageReadError(
                f'{path}: {raw.size} bytes; a {RAW_SUFFIX} image is raw '
                f'{RAW_SIZE}x{RAW_SIZE}x3 RGB ({RAW_SIZE**2 * 3} bytes)')
        return raw.reshape(RAW_SIZE, RAW_SIZE, 3)
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is None:
        raise ImageReadError(f'{path}: not a readable image')
    if photo_halves:
        image = image[:, :image.shape[1] // 2]
    side = min(image.shape[:2])
    top, left = (image.shape[0] - side) // 2, (image.shape[1] - side) // 2
    square = image[top:top + side, left:left + side]
    return cv2.cvtColor(cv2.resize(square, (size, size),
                                   interpolation=cv2.INTER_AREA),
                        cv2.COLOR_BGR2RGB)


def _row(name: str, run: dict) -> str:
    """One line of the classifier's table."""
    layers = run['layers']
    shown = (f'{100 * layers["min_within_one_step"]:7.2f} % '
             f'({layers["worst"]})' if layers else 'n/a (float file)')
    return (f'{name:<9} {100 * run["agreement"]:9.1f} % '
            f'{run["max_logit_diff"]:11.3f} {run["mean_logit_diff"]:12.3f}  '
            f'{shown}')


def _print_results(results: dict, classifier: bool) -> None:
    """The per-padding rows and the first top-1 classes, or the encoder's
    layers."""
    if not classifier:
        layers = results['layers']
        print('encoder of a segmentation network: values within one uint8 '
              f'step, worst layer {100 * layers["min_within_one_step"]:.2f} %'
              f' ({layers["worst"]})')
        return
    print('padding   top-1 agree max|dlogit| mean|dlogit|  layers: values '
          'within one int8 step (worst layer)')
    for name in ('config', 'tf_same'):
        if name in results:
            print(_row(name, results[name]))
    print('top-1 (1001-class index; ImageNet index + 1), TFLite / converted:')
    for path, ref, ours in list(
            zip(results['images'], results['reference_top1'],
                results['config']['top1']))[:LISTED]:
        print(f'  {path}: {ref} / {ours}')


def main() -> None:
    """Run the check, print its figures, exit 1 when it fails."""
    args = parse_args()
    init_default_scope('mmseg')
    cfg = load_config(args.config, args.cfg_options)
    classifier = bool(softmax_inputs(args.src))
    size = int(interpreter(args.src).get_input_details()[0]['shape'][1])
    images = read_check_images(args.images, args.photo_halves, size)
    results = (check_conversion if classifier else check_encoder_conversion)(
        args.src, cfg, images)
    print(f'{len(images)} images; config input vs TFLite input: max '
          f'{results["input_max_diff"]:.4f} (tolerance {INPUT_TOLERANCE:.4f})')
    _print_results(results, classifier)
    print('conversion check:', 'passed' if results['passed'] else 'FAILED')
    if args.out:
        with open(args.out, 'w') as file:
            json.dump(results, file, indent=1)
    if not results['passed']:
        sys.exit(1)


if __name__ == '__main__':
    try:
        main()
    except (LinkNetError, FileNotFoundError, ImportError) as error:
        sys.exit(f'error: {error_line(error)}')
