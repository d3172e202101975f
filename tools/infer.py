"""Segment an image, a folder of images or a video with a trained model.

Writes ``masks/``, ``overlays/`` and a video's annotated ``<stem>.mp4``
under ``--out-dir`` (docs/en/inference.md). An input that cannot give one
prediction stops before the model is built, with one line and status 1.

Example::

    python tools/infer.py configs/linknet_cityscapes.py ckpt.pth photos/ \\
        --out-dir out --palette
"""
import argparse
import sys
from pathlib import Path

from mmengine.config import DictAction
from mmengine.logging import print_log

from linknet_mm.apis import LinkNetInferencer, ResultWriter, segment_path
from linknet_mm.apis.image_io import check_input
from linknet_mm.deploy.precision import PRECISION_CHOICES
from linknet_mm.errors import LinkNetError, error_line
from linknet_mm.utils import load_config, quiet_known_warnings


def parse_args() -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(
        description='Segment an image, a folder of images or a video')
    add = parser.add_argument
    add('config', help='config file of the model')
    add('checkpoint',
        help='checkpoint file (not read with --backend onnxruntime: pass "-")')
    add('input', help='image file, folder or video file')
    add('--out-dir', required=True, help='folder to write the results to')
    add('--device', default='cpu', help='e.g. cpu, cuda:0')
    labels = parser.add_mutually_exclusive_group()
    parser.set_defaults(palette=False)
    labels.add_argument(
        '--trainids',
        dest='palette',
        action='store_false',
        help='write masks as class ids (default)')
    labels.add_argument(
        '--palette',
        dest='palette',
        action='store_true',
        help='write masks in the palette colours')
    add('--backend',
        choices=['pytorch', 'onnxruntime'],
        default='pytorch',
        help='run the checkpoint in PyTorch or an ONNX file in ONNX Runtime')
    add('--onnx', help='ONNX file for --backend onnxruntime')
    add('--opacity',
        type=float,
        default=0.5,
        help='weight of the class colours in the overlays, in [0, 1]')
    add('--batch-size',
        type=int,
        default=1,
        help='images of a folder run together')
    add('--fuse-conv-bn',
        action='store_true',
        help='fold BatchNorm into the convolutions (PyTorch backend; '
        'faster, same results)')
    add('--precision',
        choices=PRECISION_CHOICES,
        default='fp32',
        help='bf16 (PyTorch, CPUs with native bf16), int8 (ONNX Runtime, '
        'the model tools/deployment/quantize.py wrote beside the '
        'checkpoint), or auto: the fastest that passed its parity check '
        'on this CPU')
    add('--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value pairs')
    args = parser.parse_args()
    if (args.backend == 'onnxruntime') != bool(args.onnx):
        parser.error('--backend onnxruntime and --onnx FILE go together')
    if not 0 <= args.opacity <= 1:
        parser.error(f'--opacity must be in [0, 1], got {args.opacity}')
    if args.batch_size < 1:
        parser.error(f'--batch-size must be >= 1, got {args.batch_size}')
    return args


def main() -> None:
    """Parse the arguments and segment the input."""
    args = parse_args()
    quiet_known_warnings()
    source = Path(args.input)
    check_input(source)  # refused before the model is built
    # checked --cfg-options; the output folder is the work dir
    cfg = load_config(
        args.config,
        args.cfg_options,
        args.out_dir,
        work_dir_option='--out-dir')
    if args.onnx and args.checkpoint != '-':
        print_log(
            f'--backend onnxruntime: the weights come from '
            f'{args.onnx}; {args.checkpoint} is not read', 'current')
    inferencer = LinkNetInferencer(
        cfg,
        weights=None if args.onnx else args.checkpoint,
        device=args.device,
        onnx_file=args.onnx,
        fuse_conv_bn=args.fuse_conv_bn,
        precision=args.precision)
    writer = ResultWriter(args.out_dir,
                          inferencer.model.dataset_meta['palette'],
                          args.palette, args.opacity)
    segment_path(inferencer, source, writer, args.batch_size)


if __name__ == '__main__':
    try:
        main()
    except (LinkNetError, FileNotFoundError) as error:
        sys.exit(f'error: {error_line(error)}')
