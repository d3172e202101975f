"""Export a segmentor to ONNX with dynamic batch, height and width.

Raw BGR float32 pixels in, logits at the input size out. ``--check``
compares ONNX Runtime with PyTorch on several sizes (odd ones, batch 2):
max |logit difference| <= 1e-4 and >= 99.99 % argmax agreement.

Example::

    python tools/deployment/pytorch2onnx.py configs/linknet_cityscapes.py \\
        work_dirs/linknet_cityscapes/iter_40000.pth --out linknet.onnx --check
"""
import sys
import time

from export_tool import export_parser, model_to_export, report_export_check
from mmengine.logging import print_log

from linknet_mm.deploy import OnnxSegmentor, check_export, export_onnx
from linknet_mm.errors import LinkNetError, error_line


def main() -> int:
    """Export, and check if asked; the exit status is 1 if the check failed.
    """
    parser = export_parser('Export a model to ONNX', 'ONNX file to write')
    parser.add_argument(
        '--opset',
        type=int,
        default=18,
        help='ONNX opset, >= 17 (18 is the exporter\'s own; 17 is '
        'converted from it)')
    parser.add_argument(
        '--check',
        action='store_true',
        help='compare ONNX Runtime with PyTorch on several input sizes')
    args = parser.parse_args()
    if args.opset < 17:
        parser.error(f'--opset must be >= 17, got {args.opset}')
    model = model_to_export(args.config, args.checkpoint, args.cfg_options,
                            args.out)
    start = time.perf_counter()
    export_onnx(model, args.out, args.opset, tuple(args.shape))
    print_log(
        f'wrote {args.out} (opset {args.opset}) in '
        f'{time.perf_counter() - start:.1f} s',
        logger='current')
    if not args.check:
        return 0
    rows = check_export(model, OnnxSegmentor(args.out, model.cfg).logits)
    return report_export_check(rows, 'ONNX Runtime vs PyTorch',
                               'the export differs from PyTorch')


if __name__ == '__main__':
    try:
        sys.exit(main())
    except (LinkNetError, FileNotFoundError) as error:
        sys.exit(f'error: {error_line(error)}')
