"""INT8 model of a checkpoint, and the parity check of every precision.

Exports the checkpoint to ONNX, quantizes it to INT8 with ONNX Runtime
(static, QDQ, per-channel weights, calibrated on ``--calib-num`` training
images of ``--calib-dir`` through the config's test pipeline), then runs
fp32, bf16 (where the CPU computes it natively) and INT8 on the labelled
test split of ``--check-dir`` and reports, against fp32: argmax
agreement, the largest logit difference, the change of mIoU (and of the
foreground Dice of a two-class model), and ms per image. A precision
passes with mIoU (and Dice) within 0.5 points of fp32's, then with no more
pixels changed than fp32 has near-ties
(``linknet_mm.deploy.parity_verdict``); one line per precision says which
criterion refused it, with the numbers. The INT8 model
(``CKPT.int8.onnx``) and the result (``CKPT.parity.json``, keyed by this
CPU's name and flags) go beside the checkpoint; ``tools/infer.py
--precision auto`` reads them.

Example::

    python tools/deployment/quantize.py configs/linknet_brain_tumor.py \\
        work_dirs/linknet_brain_tumor/best_Dice.tumor_iter_3000.pth \\
        --calib-dir data/brain_tumor --check-dir data/brain_tumor
"""
import argparse
import os.path as osp
import sys

from mmengine.config import DictAction
from mmengine.logging import print_log

from linknet_mm.apis import init_segmentor
from linknet_mm.deploy import check_parity
from linknet_mm.deploy.parity import format_parity
from linknet_mm.errors import LinkNetError, error_line
from linknet_mm.utils import (cpu_summary, int8_dot_product, load_tool_config,
                              quiet_known_warnings)


def parse_args() -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(
        description='INT8 model of a checkpoint and the parity check of '
        'fp32, bf16 and INT8 on labelled images')
    parser.add_argument('config', help='config file of the model')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--check-dir',
        required=True,
        help='labelled images in the dataset\'s layout (its data_root); '
        'the test split is checked')
    parser.add_argument(
        '--check-num',
        type=int,
        help='test images checked, spread over the split (default: all)')
    parser.add_argument(
        '--calib-dir',
        help='calibration data in the dataset\'s layout (its training '
        'split); without it the INT8 file beside the checkpoint is checked '
        'as it is')
    parser.add_argument(
        '--calib-num',
        type=int,
        default=300,
        help='calibration images, spread over the training split')
    parser.add_argument(
        '--calib-method',
        choices=['minmax', 'percentile', 'entropy'],
        default='minmax',
        help='how activation ranges are taken from the calibration images')
    parser.add_argument(
        '--float-ends',
        action='store_true',
        help='keep the first and last convolutions in float, should INT8 '
        'miss the check otherwise (slower)')
    parser.add_argument(
        '--precisions',
        nargs='+',
        choices=['bf16', 'int8'],
        default=['bf16', 'int8'],
        help='precisions checked against fp32')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value pairs')
    return parser.parse_args()


def main() -> int:
    """Make the INT8 model, check, record.

    Returns:
        int: Exit status: 0, also when a precision fails the check (it is
        then not offered by ``--precision auto``).
    """
    args = parse_args()
    quiet_known_warnings()
    cfg = load_tool_config(args.config, args.cfg_options,
                           osp.dirname(osp.abspath(args.checkpoint)))
    model = init_segmentor(cfg, args.checkpoint)
    results, skipped, path = check_parity(
        model,
        args.checkpoint,
        args.check_dir,
        calib_dir=args.calib_dir,
        calib_num=args.calib_num,
        check_num=args.check_num,
        precisions=args.precisions,
        keep_float_ends=args.float_ends,
        method=args.calib_method)
    lines = [f'CPU: {cpu_summary()}', format_parity(results)]
    lines += [f'{name}: not offered: {why}' for name, why in skipped.items()]
    if 'int8' in results and not int8_dot_product():
        lines.append('int8: this CPU has no VNNI or AMX-INT8 dot products, '
                     'so INT8 gains less here (--precision auto weighs it '
                     'by the timing above)')
    lines.append(f'recorded in {path}')
    print_log('\n'.join(lines), logger='current')
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except (LinkNetError, FileNotFoundError) as error:
        sys.exit(f'error: {error_line(error)}')
