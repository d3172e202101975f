"""Quickstart: generated data -> train -> test -> pictures, on a CPU.

Runs the stock tools as a user would: ``make_synthetic_data.py``,
``tools/train.py`` and ``tools/test.py --show-dir --out``. Each tool's whole
output (the config, the hook table, warnings, every log line) goes to
``WORK_DIR/logs/{data,train,test}.log``; the terminal shows where the data
is, one progress line per step, the per-class IoU table and where the
pictures and the logs are. A step that fails ends the quickstart with its
exit status, after the last lines of its log and the log's path.
``--verbose`` shows the tools' whole output instead, as they write it.
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import List, NoReturn, Optional, TextIO

from prettytable import PrettyTable

REPO = Path(__file__).resolve().parents[2]
CONFIG = ('configs/linknet/'
          'linknet_r18_1xb8-600_synthetic-cityscapes-pairs-128x128.py')
#: Iterations (images) between mmengine's log lines, i.e. progress updates.
#: Training logs every gcd(iterations, LOG_INTERVAL), so that its last
#: iteration is logged.
LOG_INTERVAL = 10
#: Lines of a failed step's log shown on the terminal.
TAIL_LINES = 30
#: mmengine's loop log line: ``... Iter(train) [ 120/600]  lr: ...``.
ITER_LINE = re.compile(r'Iter\((?P<loop>\w+)\) \[\s*(?P<done>\d+)/'
                       r'(?P<total>\d+)\]')
#: The fields of that line the progress shows.
FIELDS = re.compile(r'\b(eta|loss): (\S+)')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Command-line arguments.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` if None.

    Returns:
        argparse.Namespace: The parsed arguments.
    """
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        '--data-root', default='data/synthetic_cityscapes_pairs',
        help='where the generated dataset goes (reused if present)')
    parser.add_argument(
        '--work-dir', default='work_dirs/quickstart',
        help='checkpoints, logs, predictions and overlays')
    parser.add_argument(
        '--iters', type=int, default=600, help='training iterations')
    parser.add_argument(
        '--num-train', type=int, default=200,
        help='generated training scenes (when the data is generated)')
    parser.add_argument(
        '--num-val', type=int, default=40,
        help='generated validation scenes (when the data is generated)')
    parser.add_argument(
        '--verbose', action='store_true',
        help="show the tools' whole output instead of progress lines")
    return parser.parse_args(argv)


def shown(path: Path) -> str:
    """``path`` for the user: relative to the current directory if below it.

    Args:
        path (Path): A file or folder.

    Returns:
        str: The path to print.
    """
    path = path.resolve()
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def clock(seconds: float) -> str:
    """Seconds as ``H:MM:SS``, the way mmengine writes its ETA."""
    return str(timedelta(seconds=int(seconds)))


def say(text: str) -> None:
    """Print a line of the quickstart's own output at once."""
    print(text, flush=True)


class Progress:
    """One step's progress, from mmengine's log lines of one loop.

    On a terminal the line is rewritten in place at each log line; on
    anything else (a pipe, a file) a new line is written at each tenth of
    the loop, so a captured output stays short.

    Args:
        loop (str): The loop to follow: ``'train'`` or ``'test'``.
        label (str): What is counted: ``'iteration'``, ``'image'``.
        stream (TextIO): Where to write. Defaults to ``sys.stdout``.
    """

    def __init__(self, loop: str, label: str,
                 stream: Optional[TextIO] = None) -> None:
        self.loop, self.label = loop, label
        self.stream = stream or sys.stdout
        self.start = time.monotonic()
        self.width = 0  # of the line on the terminal, 0 before the first
        self.tenth = -1  # the last tenth written, off a terminal

    def update(self, line: str) -> None:
        """Show the progress if ``line`` is a log line of the loop.

        Args:
            line (str): One line of the tool's output.
        """
        match = ITER_LINE.search(line)
        if match is None or match['loop'] != self.loop:
            return
        done, total = int(match['done']), int(match['total'])
        text = self.render(done, total, dict(FIELDS.findall(line)))
        if self.stream.isatty():
            self.stream.write('\r  ' + text.ljust(self.width))
            self.width = len(text)
        elif done * 10 // total > self.tenth:
            self.tenth = done * 10 // total
            self.stream.write(f'  {text}\n')
        self.stream.flush()

    def render(self, done: int, total: int, fields: dict) -> str:
        """The progress line.

        Args:
            done (int): Iterations (or images) done.
            total (int): Of how many.
            fields (dict): ``eta`` and ``loss`` from the log line, if there.

        Returns:
            str: e.g. ``iteration 120/600  loss 1.2345  elapsed 0:00:50
            ETA 0:03:12``.
        """
        parts = [f'{self.label} {done:>{len(str(total))}}/{total}']
        if 'loss' in fields:
            parts.append(f'loss {fields["loss"]}')
        parts.append(f'elapsed {clock(time.monotonic() - self.start)}')
        if 'eta' in fields:
            parts.append(f'ETA {fields["eta"]}')
        return '  '.join(parts)

    def finish(self) -> None:
        """End the line rewritten in place, if any."""
        if self.width:
            self.stream.write('\n')
            self.stream.flush()


def fail(name: str, status: int, log: Optional[Path]) -> NoReturn:
    """Report a failed step and exit with its status.

    Args:
        name (str): The step.
        status (int): Its exit status (negative: killed by that signal).
        log (Path, optional): Its log, whose last lines are shown.
    """
    status = status if status > 0 else 128 - status
    sys.stdout.flush()
    message = [f'{name} failed (exit status {status})']
    if log is not None:
        tail = log.read_text(errors='replace').splitlines()[-TAIL_LINES:]
        message[0] += f'; the last {len(tail)} lines of its log:'
        message += tail + [f'full log: {shown(log)}']
    print('\n'.join(message), file=sys.stderr, flush=True)
    sys.exit(status)


def run_quiet(name: str, args: List[str], log: Path,
              progress: Optional[Progress]) -> None:
    """Run a tool with its whole output (stdout and stderr) into ``log``.

    Args:
        name (str): The step, for a failure message.
        args (list[str]): The tool's path and arguments.
        log (Path): The log file, written as the tool writes.
        progress (Progress, optional): Fed every line of the output.
    """
    env = dict(os.environ, PYTHONUNBUFFERED='1')  # lines as they come
    with open(log, 'w', encoding='utf-8', buffering=1) as out, \
            subprocess.Popen([sys.executable, *args], cwd=REPO, env=env,
                             stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True,
                             errors='replace') as proc:
        for line in proc.stdout:
            out.write(line)
            if progress is not None:
                progress.update(line)
    if progress is not None:
        progress.finish()
    if proc.returncode != 0:
        fail(name, proc.returncode, log)


def run_step(name: str, args: List[str], logs: Optional[Path],
             progress: Optional[Progress] = None) -> None:
    """Run one step: quietly into ``logs/NAME.log``, or verbosely.

    Args:
        name (str): The step: ``data``, ``train`` or ``test``.
        args (list[str]): The tool's path and arguments.
        logs (Path, optional): The logs folder; None shows the whole
            output on the terminal (``--verbose``).
        progress (Progress, optional): Its progress line, when quiet.
    """
    start = time.monotonic()
    if logs is None:
        say('+ python ' + ' '.join(args))
        status = subprocess.run([sys.executable, *args], cwd=REPO).returncode
        if status != 0:
            fail(name, status, None)
    else:
        run_quiet(name, args, logs / f'{name}.log', progress)
    say(f'  done in {clock(time.monotonic() - start)}')


def training_args(work: Path, data: Path, iters: int) -> List[str]:
    """``tools/train.py`` on the quickstart config for ``iters`` iterations.

    Args:
        work (Path): The work dir.
        data (Path): The data root.
        iters (int): Training iterations (validation and checkpoint at the
            end).

    Returns:
        list[str]: The tool and its arguments.
    """
    return [
        'tools/train.py', CONFIG, '--work-dir', str(work), '--cfg-options',
        f'data_root={data}', f'train_cfg.max_iters={iters}',
        f'train_cfg.val_interval={iters}', f'param_scheduler.0.end={iters}',
        f'default_hooks.checkpoint.interval={iters}',
        f'default_hooks.logger.interval={math.gcd(iters, LOG_INTERVAL)}'
    ]


def testing_args(work: Path, data: Path, checkpoint: str) -> List[str]:
    """``tools/test.py`` drawing every prediction and keeping the maps.

    Args:
        work (Path): The training's work dir (the test's is below it).
        data (Path): The data root.
        checkpoint (str): The checkpoint to test.

    Returns:
        list[str]: The tool and its arguments.
    """
    return [
        'tools/test.py', CONFIG, checkpoint, '--work-dir',
        str(work / 'test'), '--show-dir', str(work / 'overlays'), '--out',
        str(work / 'predictions'), '--cfg-options', f'data_root={data}',
        f'default_hooks.logger.interval={LOG_INTERVAL}'
    ]


def report(work: Path, logs: Optional[Path]) -> None:
    """Print the per-class table, mIoU and where the pictures and logs are.

    Args:
        work (Path): The work dir.
        logs (Path, optional): The logs folder, None when verbose.
    """
    per_class = json.loads(
        (work / 'test' / 'per_class.json').read_text())
    table = PrettyTable(['class', 'IoU %', 'Acc %'])
    for name, row in per_class.items():
        table.add_row([name, row['IoU'], row['Acc']])
    metrics = json.loads(max(
        (work / 'test').glob('*/*.json'),
        key=lambda path: path.stat().st_mtime).read_text())
    overlays = work / 'overlays' / 'vis_data' / 'vis_image'
    curves = sorted(work.glob('*/training_curves.png'))
    say(f'{table}\nmIoU {metrics["mIoU"]:.2f}  (aAcc {metrics["aAcc"]:.2f},'
        f' mAcc {metrics["mAcc"]:.2f})')
    say(f'overlays (image | ground truth | prediction), '
        f'{len(list(overlays.glob("*.png")))} images: {shown(overlays)}')
    say(f'predicted trainId maps: {shown(work / "predictions")}')
    say(f'confusion matrix: {shown(work / "test" / "confusion_matrix.png")}')
    if curves:
        say(f'training curves: {shown(curves[-1])}')
    if logs is not None:
        names = ', '.join(path.name for path in sorted(
            logs.glob('*.log'), key=lambda path: path.stat().st_mtime))
        say(f'full logs: {shown(logs)} ({names})')


def main(argv: Optional[List[str]] = None) -> None:
    """Generate, train, test, report.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` if None.
    """
    args = parse_args(argv)
    data, work = REPO / args.data_root, REPO / args.work_dir
    logs = None if args.verbose else work / 'logs'
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
            str(args.num_val)
        ], logs)
    say(f'Training LinkNet-R18 from scratch for {args.iters} iterations '
        f'({CONFIG})')
    run_step('train', training_args(work, data, args.iters), logs,
             Progress('train', 'iteration'))
    checkpoint = (work / 'last_checkpoint').read_text().strip()
    say(f'  checkpoint: {shown(Path(checkpoint))}')
    say('Testing it on the validation scenes, drawing each prediction')
    run_step('test', testing_args(work, data, checkpoint), logs,
             Progress('test', 'image'))
    report(work, logs)


if __name__ == '__main__':
    main()
