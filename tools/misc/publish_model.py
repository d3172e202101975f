"""Prepare a checkpoint for release: training state dropped, hash in name.

Like mmseg's ``tools/misc/publish_model.py``, which fails under torch >= 2.6
on mmengine checkpoints (no config imports linknet_mm there, so its
``torch.load`` lacks our allowlist). Example::

    python tools/misc/publish_model.py \\
        work_dirs/brain/best_Dice.tumor_iter_3000.pth \\
        linknet_r18_brain-tumor.pth
    # -> linknet_r18_brain-tumor-<sha256[:8]>.pth
"""
import argparse
import os
import os.path as osp
import sys

import torch

from linknet_mm.engine import read_checkpoint
from linknet_mm.errors import LinkNetError, error_line
from linknet_mm.utils import file_sha256

#: Training state a released model does not need.
TRAINING_STATE = ('optimizer', 'param_schedulers', 'message_hub')


def publish_checkpoint(in_file: str, out_file: str) -> str:
    """Write ``in_file`` without its training state, named by its hash.

    The checkpoint is read with ``weights_only=True`` (the allowlist of
    :func:`linknet_mm.engine.read_checkpoint`, so a checkpoint that asks
    to run code is refused). The optimizer, scheduler and message-hub
    state are dropped; weights and ``meta`` (class names, palette) stay.
    The result goes to ``<out_file stem>-<first 8 hex of its SHA-256>.pth``,
    written under a temporary name and renamed.

    Args:
        in_file (str): A checkpoint written by training.
        out_file (str): Where to write, e.g. ``linknet_r18_brain.pth``.

    Returns:
        str: The final file name.
    """
    checkpoint = read_checkpoint(in_file)
    for key in TRAINING_STATE:
        checkpoint.pop(key, None)
    stem = out_file[:-len('.pth')] if out_file.endswith('.pth') else out_file
    partial = f'{stem}.pth.part'
    torch.save(checkpoint, partial)
    final = f'{stem}-{file_sha256(partial)[:8]}.pth'
    os.replace(partial, final)
    return osp.abspath(final)


def parse_args() -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(
        description='Process a checkpoint to be published')
    parser.add_argument('in_file', help='input checkpoint filename')
    parser.add_argument('out_file', help='output checkpoint filename')
    return parser.parse_args()


def main() -> None:
    """Publish the checkpoint and print the final name."""
    args = parse_args()
    print(publish_checkpoint(args.in_file, args.out_file))


if __name__ == '__main__':
    try:
        main()
    except LinkNetError as error:
        sys.exit(f'error: {error_line(error)}')
