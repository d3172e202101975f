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
import sys

from linknet_mm.engine import publish_checkpoint
from linknet_mm.errors import LinkNetError, error_line


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
