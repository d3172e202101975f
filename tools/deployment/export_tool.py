"""What the two export tools share: arguments, the model, the check table."""
import argparse
import logging
import os.path as osp
from typing import Optional, Sequence

import torch.nn as nn
from mmengine.config import DictAction
from mmengine.logging import print_log

from linknet_mm.apis import init_segmentor
from linknet_mm.utils import load_config


def export_parser(description: str, out_help: str) -> argparse.ArgumentParser:
    """CONFIG [CHECKPOINT] --out FILE --shape H W --cfg-options."""
    parser = argparse.ArgumentParser(description=description)
    add = parser.add_argument
    add('config', help='config file of the model')
    add('checkpoint',
        nargs='?',
        help='checkpoint file; without it the weights are random')
    add('--out', required=True, help=out_help)
    add('--shape',
        type=int,
        nargs=2,
        default=[256, 256],
        metavar=('H', 'W'),
        help='size of the example input traced (the export takes any)')
    add('--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value pairs')
    return parser


def model_to_export(config: str, checkpoint: Optional[str],
                    cfg_options: Optional[dict], out: str) -> nn.Module:
    """The segmentor to write to ``out`` (its folder is the work dir).

    Without a checkpoint the weights are random, and a warning says so.
    """
    cfg = load_config(config, cfg_options, osp.dirname(osp.abspath(out)))
    model = init_segmentor(cfg, checkpoint)
    if checkpoint is None:
        print_log(
            'no checkpoint given: exporting random weights',
            logger='current',
            level=logging.WARNING)
    return model


def format_export_check(rows: Sequence[dict]) -> str:
    """The rows of :func:`linknet_mm.deploy.check_export`, one per line."""
    lines = [
        f'{"input (N, C, H, W)":<22}{"max |diff|":>12}'
        f'{"argmax agree":>15}  ok'
    ]
    for row in rows:
        lines.append(f'{str(tuple(row["shape"])):<22}'
                     f'{row["max_abs_diff"]:>12.2e}'
                     f'{100 * row["agreement"]:>14.4f}%  '
                     f'{"yes" if row["ok"] else "NO"}')
    return '\n'.join(lines)


def report_export_check(rows: Sequence[dict], title: str, failure: str) -> int:
    """Log the check's table; the exit status: 0 if every row is ok."""
    print_log(f'{title}:\n{format_export_check(rows)}', logger='current')
    if all(row['ok'] for row in rows):
        return 0
    print_log(
        f'check failed: {failure}', logger='current', level=logging.ERROR)
    return 1
