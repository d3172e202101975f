"""Quickstart: generated data -> train -> test -> pictures, on a CPU.

Runs the stock tools as a user would: ``make_synthetic_data.py``,
``tools/train.py`` and ``tools/test.py --show-dir --out``. Each tool's whole
output goes to ``WORK_DIR/logs/{data,train,test}.log``; the terminal shows
where the data is, a progress line per step (drawn inside the run by the
hook of ``quickstart_progress.py``), the per-class IoU table and where the
pictures and the logs are. A failing step ends the quickstart with
its exit status, after the last lines of its log and the log's path.
``--verbose`` shows the tools' whole output instead, as they write it.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time
import warnings
from datetime import timedelta
from pathlib import Path
from typing import List, NoReturn, Optional

from mmengine.config import Config
from prettytable import PrettyTable

REPO = Path(__file__).resolve().parents[2]
CONFIG = ('configs/linknet/'
          'linknet_r18_1xb8-600_synthetic-cityscapes-pairs-128x128.py')
#: Lines of a failed step's log shown on the terminal.
TAIL_LINES = 30


def shown(path: Path) -> str:
    """``path`` for the user: relative to the current directory if below."""
    path = path.resolve()
    return str(path.relative_to(Path.cwd()) if path.is_relative_to(
        Path.cwd()) else path)


def say(text: str) -> None:
    """Print a line of the quickstart's own output at once."""
    print(text, flush=True)


def fail(name: str, status: int, log: Optional[Path]) -> NoReturn:
    """Report a failed step (and its log's end) and exit with its status."""
    status = status if status > 0 else 128 - status  # < 0: killed by signal
    message = [f'{name} failed (exit status {status})']
    if log is not None:
        tail = log.read_text(errors='replace').splitlines()[-TAIL_LINES:]
        message[0] += f'; the last {len(tail)} lines of its log:'
        message += tail + [f'full log: {shown(log)}']
    print('\n'.join(message), file=sys.stderr, flush=True)
    sys.exit(status)


def run_step(name: str, args: List[str], logs: Optional[Path],
             fd: Optional[int]) -> None:
    """Run a tool: its whole output into ``logs/NAME.log``, the progress
    hook's lines onto the terminal (``fd``); or all of it there when
    ``logs`` is None (``--verbose``)."""
    start, log = time.monotonic(), logs and logs / f'{name}.log'
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(REPO / 'tools' / 'misc'), os.environ.get('PYTHONPATH', '')]))
    if log is None:
        say('+ python ' + ' '.join(args))
        status = subprocess.run([sys.executable, *args], cwd=REPO).returncode
    else:
        with open(log, 'w') as out:
            status = subprocess.run([sys.executable, *args], cwd=REPO,
                                    env=env, stdout=out, stderr=out,
                                    pass_fds=[fd]).returncode
    if status != 0:
        fail(name, status, log)
    say(f'  done in {timedelta(seconds=int(time.monotonic() - start))}')


def quickstart_config(work: Path, iters: int, fd: Optional[int]) -> str:
    """:data:`CONFIG` for ``iters`` iterations, with the progress hook
    writing to ``fd`` unless None, written to ``work``; returns its path."""
    with warnings.catch_warnings():  # mmseg:: bases go through pkg_resources
        warnings.filterwarnings('ignore', 'pkg_resources is deprecated')
        cfg = Config.fromfile(REPO / CONFIG, import_custom_modules=False)
    cfg.merge_from_dict({
        'train_cfg.max_iters': iters, 'train_cfg.val_interval': iters,
        'param_scheduler.0.end': iters,
        'default_hooks.checkpoint.interval': iters,  # and the last logged:
        'default_hooks.logger.interval': math.gcd(iters, 50)})
    if fd is not None:
        cfg.custom_imports.imports.append('quickstart_progress')
        cfg.custom_hooks.append(
            dict(type='QuickstartProgressHook', fd=fd))
    work.mkdir(parents=True, exist_ok=True)
    cfg.dump(work / 'quickstart_config.py')
    return str(work / 'quickstart_config.py')


def report(work: Path, logs: Optional[Path]) -> None:
    """Print the per-class table, mIoU and where the pictures and logs are."""
    test = work / 'test'
    table = PrettyTable(['class', 'IoU %', 'Acc %'])
    for name, row in json.loads((test / 'per_class.json').read_text()).items():
        table.add_row([name, row['IoU'], row['Acc']])
    metrics = json.loads(max(test.glob('*/*.json'),
                             key=lambda p: p.stat().st_mtime).read_text())
    overlays = work / 'overlays' / 'vis_data' / 'vis_image'
    say(f'{table}\nmIoU {metrics["mIoU"]:.2f}  (aAcc {metrics["aAcc"]:.2f},'
        f' mAcc {metrics["mAcc"]:.2f})\n'
        f'overlays (image | ground truth | prediction), '
        f'{len(list(overlays.glob("*.png")))} images: {shown(overlays)}\n'
        f'predicted trainId maps: {shown(work / "predictions")}\n'
        f'confusion matrix: {shown(test / "confusion_matrix.png")}')
    for curves in sorted(work.glob('*/training_curves.png'))[-1:]:
        say(f'training curves: {shown(curves)}')
    if logs is not None:
        names = sorted(logs.glob('*.log'), key=lambda p: p.stat().st_mtime)
        say(f'full logs: {shown(logs)} '
            f'({", ".join(path.name for path in names)})')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Command-line arguments (``sys.argv[1:]`` if ``argv`` is None)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        '--data-root', default='data/synthetic_cityscapes_pairs',
        help='where the generated dataset goes (reused if present)')
    parser.add_argument('--work-dir', default='work_dirs/quickstart',
                        help='checkpoints, logs, predictions and overlays')
    parser.add_argument('--iters', type=int, default=600,
                        help='training iterations')
    for split, num in (('train', 200), ('val', 40)):
        parser.add_argument(f'--num-{split}', type=int, default=num,
                            help=f'generated {split} scenes (if generated)')
    parser.add_argument(
        '--verbose', action='store_true',
        help="show the tools' whole output instead of progress lines")
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> None:
    """Generate, train, test, report."""
    args = parse_args(argv)
    data, work = REPO / args.data_root, REPO / args.work_dir
    logs = None if args.verbose else work / 'logs'
    fd = None if args.verbose else os.dup(sys.stdout.fileno())  # the hook's
    if logs is not None:
        logs.mkdir(parents=True, exist_ok=True)
        say(f'The whole output of each step goes to {shown(logs)}')
    if (data / 'train').is_dir():
        say(f'Data: reusing {shown(data)} (delete it to generate anew)')
    else:
        say(f'Data: generating {args.num_train} train + {args.num_val} val '
            f'Cityscapes-pairs scenes in {shown(data)}')
        run_step('data', [
            'tools/misc/make_synthetic_data.py', 'cityscapes_pairs',
            str(data), '--num-train', str(args.num_train), '--num-val',
            str(args.num_val)], logs, fd)
    config = quickstart_config(work, args.iters, fd)
    say(f'Training LinkNet-R18 from scratch for {args.iters} iterations '
        f'({CONFIG})')
    options = ['--cfg-options', f'data_root={data}']
    run_step('train', ['tools/train.py', config, '--work-dir', str(work),
                       *options], logs, fd)
    checkpoint = (work / 'last_checkpoint').read_text().strip()
    say(f'  checkpoint: {shown(Path(checkpoint))}')
    say('Testing it on the validation scenes, drawing each prediction')
    run_step('test', [
        'tools/test.py', config, checkpoint, '--work-dir', str(work / 'test'),
        '--show-dir', str(work / 'overlays'), '--out',
        str(work / 'predictions'), *options], logs, fd)
    report(work, logs)


if __name__ == '__main__':
    main()
