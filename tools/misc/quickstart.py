"""Quickstart: generated data -> train -> test -> pictures, on a CPU.

Runs the stock tools as a user would: ``make_synthetic_data.py``,
``tools/train.py`` and ``tools/test.py --show-dir --out``, then prints
where the overlays are and the per-class IoU table.
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

from prettytable import PrettyTable

REPO = Path(__file__).resolve().parents[2]
CONFIG = ('configs/linknet/'
          'linknet_r18_1xb8-600_synthetic-cityscapes-pairs-128x128.py')


def parse_args() -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        '--data-root', default='data/synthetic_cityscapes_pairs',
        help='where the generated dataset goes (reused if present)')
    parser.add_argument(
        '--work-dir', default='work_dirs/quickstart',
        help='checkpoints, logs, predictions and overlays')
    parser.add_argument(
        '--iters', type=int, default=600, help='training iterations')
    return parser.parse_args()


def run(*args: str) -> None:
    """Run a tool with this interpreter from the repository root.

    Args:
        *args (str): The tool's path and arguments.
    """
    print('+ python ' + ' '.join(args), flush=True)
    subprocess.run([sys.executable, *args], cwd=REPO, check=True)


def main() -> None:
    """Generate, train, test, report."""
    args = parse_args()
    data, work = REPO / args.data_root, REPO / args.work_dir
    if not (data / 'train').is_dir():
        run('tools/misc/make_synthetic_data.py', 'cityscapes_pairs',
            str(data), '--num-train', '200', '--num-val', '40')
    iters = str(args.iters)
    run('tools/train.py', CONFIG, '--work-dir', str(work), '--cfg-options',
        f'data_root={data}', f'train_cfg.max_iters={iters}',
        f'train_cfg.val_interval={iters}', f'param_scheduler.0.end={iters}',
        f'default_hooks.checkpoint.interval={iters}')
    checkpoint = (work / 'last_checkpoint').read_text().strip()
    run('tools/test.py', CONFIG, checkpoint, '--work-dir',
        str(work / 'test'), '--show-dir', str(work / 'overlays'), '--out',
        str(work / 'predictions'), '--cfg-options', f'data_root={data}')

    per_class = json.loads(
        (work / 'test' / 'per_class.json').read_text())
    table = PrettyTable(['class', 'IoU %', 'Acc %'])
    for name, row in per_class.items():
        table.add_row([name, row['IoU'], row['Acc']])
    curves = sorted(work.glob('*/training_curves.png'))
    print(table)
    print(f'overlays (image | ground truth | prediction): '
          f'{work / "overlays" / "vis_data" / "vis_image"}')
    print(f'predicted trainId maps: {work / "predictions"}; '
          f'confusion_matrix.png: {work / "test"}')
    if curves:
        print(f'training curves: {curves[-1]}')


if __name__ == '__main__':
    main()
