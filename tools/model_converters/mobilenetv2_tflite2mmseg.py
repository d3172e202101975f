"""Convert a TensorFlow MobileNetV2 (.tflite) to an mmseg checkpoint.

The ImageNet classifier (``tf2_mobilenet_v2_1.0_224_ptq.tflite``) or the
encoder of DeepLabV3 trained on COCO then PASCAL VOC
(``deeplabv3_mnv2_pascal_quant.tflite``). The checkpoint loads strictly
into mmseg's ``MobileNetV2`` backbone (``widen_factor=1.0``, output stride
32); configs use it through ``init_cfg`` and the input normalisation the
weights expect (``mean=[127.5] * 3, std=[127.5] * 3, bgr_to_rgb=True``).
See :mod:`linknet_mm.models.converters`.
"""
import argparse
import sys

from linknet_mm.errors import LinkNetError, error_line
from linknet_mm.models.converters import convert_mobilenetv2_tflite


def parse_args() -> argparse.Namespace:
    """Command-line arguments, as mmseg's model converters take them."""
    parser = argparse.ArgumentParser(
        description='Convert TensorFlow MobileNetV2 TFLite weights to an '
        'mmseg MobileNetV2 checkpoint')
    parser.add_argument('src', help='the .tflite file')
    parser.add_argument('dst', help='the checkpoint to write (.pth)')
    return parser.parse_args()


def main() -> None:
    """Convert and say what was written."""
    args = parse_args()
    summary = convert_mobilenetv2_tflite(args.src, args.dst)
    print(f'{args.dst}: {summary["tensors"]} tensors, '
          f'{summary["parameters"]:,} backbone parameters; left out (not '
          f'part of the backbone): {", ".join(summary["left_out"])}')
    for change, what in (('stride', 'stride 2 put back (the file ran them '
                          'at stride 1)'), ('dilation', 'dilation dropped')):
        if summary['changed'][change]:
            print(f'{what}: {", ".join(summary["changed"][change])}')


if __name__ == '__main__':
    try:
        main()
    except (LinkNetError, FileNotFoundError, ImportError) as error:
        sys.exit(f'error: {error_line(error)}')
