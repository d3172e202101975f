"""INT8 model of a checkpoint, and the parity check of every precision.

Quantizes the checkpoint with ONNX Runtime (calibrated on ``--calib-dir``),
checks fp32, bf16 and INT8 on the test split of ``--check-dir`` (verdicts
of ``linknet_mm.deploy.parity_verdict``) and writes ``CKPT.int8.onnx`` and
``CKPT.parity.json`` beside the checkpoint for ``tools/infer.py
--precision auto`` (docs/en/inference.md).

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
from linknet_mm.utils import (cpu_summary, int8_dot_product, load_config,
                              quiet_known_warnings)


def parse_args() -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(
        description='INT8 model of a checkpoint and the parity check of '
        'fp32, bf16 and INT8 on labelled images')
    add = parser.add_argument
    add('config', help='config file of the model')
    add('checkpoint', help='checkpoint file')
    add('--check-dir',
        required=True,
        help='labelled images in the dataset\'s layout (its data_root); '
        'the test split is checked')
    add('--check-num',
        type=int,
        help='test images checked, spread over the split (default: all)')
    add('--calib-dir',
        help='calibration data in the dataset\'s layout (its training '
        'split); without it the INT8 file beside the checkpoint is checked '
        'as it is')
    add('--calib-num',
        type=int,
        default=300,
        help='calibration images, spread over the training split')
    add('--calib-method',
        choices=['minmax', 'percentile', 'entropy'],
        default='minmax',
        help='how activation ranges are taken from the calibration images')
    add('--float-ends',
        action='store_true',
        help='keep the first and last convolutions in float, should INT8 '
        'miss the check otherwise (slower)')
    add('--precisions',
        nargs='+',
        choices=['bf16', 'int8'],
        default=['bf16', 'int8'],
        help='precisions checked against fp32')
    add('--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value pairs')
    return parser.parse_args()


def main() -> int:
    """Make the INT8 model, check, record; the exit status is 0 also when a
    precision fails the check (``--precision auto`` then leaves it out)."""
    args = parse_args()
    quiet_known_warnings()
    cfg = load_config(args.config, args.cfg_options,
                           osp.dirname(osp.abspath(args.checkpoint)))
    model = init_segmentor(cfg, args.checkpoint)
    results, skipped, path = check_parity(model, args.checkpoint,
                                          args.check_dir, args.calib_dir,
                                          args.calib_num, args.check_num,
                                          args.precisions, args.float_ends,
                                          args.calib_method)
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
