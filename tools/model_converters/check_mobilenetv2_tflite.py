"""Check converted MobileNetV2 weights against TFLite's own interpreter.

Builds the config's backbone (its ``init_cfg``: the converted checkpoint;
its data preprocessor: the normalisation), puts TF's head convolution and
classifier from SRC on top, and compares it with LiteRT running SRC on the
same images: top-1 agreement, logit differences, and each layer fed
TFLite's own activations (see :mod:`linknet_mm.analysis.conversion_check`).
For DeepLabV3's encoder (not a classifier) the check is the input
normalisation and the layer-wise comparison, at the file's input size.
Exits 1 when the check fails. Needs the ``tflite`` and ``ai-edge-litert``
packages (the tests extra).
"""
import argparse
import json
import sys

from mmengine.config import DictAction
from mmengine.registry import init_default_scope

from linknet_mm.analysis.conversion_check import (
    INPUT_TOLERANCE, check_conversion, check_encoder_conversion,
    read_check_images)
from linknet_mm.analysis.tflite_reference import input_size, is_classifier
from linknet_mm.errors import LinkNetError, error_line
from linknet_mm.utils import load_config

#: How many images' top-1 classes are listed.
LISTED = 5


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


def _row(name: str, run: dict) -> str:
    layers = run['layers']
    shown = (f'{100 * layers["min_within_one_step"]:7.2f} % '
             f'({layers["worst"]})' if layers else 'n/a (float file)')
    return (f'{name:<9} {100 * run["agreement"]:9.1f} % '
            f'{run["max_logit_diff"]:11.3f} {run["mean_logit_diff"]:12.3f}  '
            f'{shown}')


def _print_classifier(results: dict) -> None:
    """The per-padding rows and the first top-1 classes."""
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
    """Run the check and print its figures."""
    args = parse_args()
    init_default_scope('mmseg')
    cfg = load_config(args.config, args.cfg_options)
    classifier = is_classifier(args.src)
    images = read_check_images(args.images, args.photo_halves,
                               input_size(args.src))
    results = (check_conversion if classifier else check_encoder_conversion)(
        args.src, cfg, images)
    print(f'{len(images)} images; config input vs TFLite input: max '
          f'{results["input_max_diff"]:.4f} (tolerance {INPUT_TOLERANCE:.4f})')
    if not classifier:
        layers = results['layers']
        print('encoder of a segmentation network: values within one uint8 '
              f'step, worst layer {100 * layers["min_within_one_step"]:.2f} %'
              f' ({layers["worst"]})')
    _finish(args, results, classifier)


def _finish(args: argparse.Namespace, results: dict, classifier: bool) -> None:
    """Print the classifier rows, write the JSON, exit 1 on failure."""
    if classifier:
        _print_classifier(results)
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
