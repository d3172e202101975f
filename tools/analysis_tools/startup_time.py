"""Python's start-up time with and without linknet_mm's start-up file.

pip installs ``linknet_mm_mmcv_hook.pth`` into site-packages, and
``site`` runs its line at every interpreter start (see ``setup.py``). This
times ``python -c pass`` and ``python -c "import mmseg"`` in fresh
interpreters of a venv with that file and without it: two throw-away
copies of the venv whose site-packages link to every entry of the real
one, one of them without the file. The runs alternate between the copies;
the table gives the median and minimum wall time of each command, and the
self time that ``-X importtime`` reports for ``linknet_mm_mmcv_hook``.
Without bytecode caching (``PYTHONDONTWRITEBYTECODE=1``) an editable
install compiles the hook module at every start.

Example::

    python tools/analysis_tools/startup_time.py --runs 11
"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Dict, List

from linknet_mm.utils import cpu_model

REPO = Path(__file__).resolve().parents[2]
STARTUP_FILE = 'linknet_mm_mmcv_hook.pth'
COMMANDS = {
    'python -c pass': 'pass',
    'python -c "import mmseg"': 'import mmseg',
}


def parse_args() -> argparse.Namespace:
    """Parse the command line.

    Returns:
        argparse.Namespace: The arguments.
    """
    parser = argparse.ArgumentParser(
        description='Start-up time with and without the start-up file')
    parser.add_argument(
        '--venv',
        type=Path,
        default=REPO / '.venv',
        help='the venv (default: .venv of the repository)')
    parser.add_argument(
        '--runs', type=int, default=11, help='runs of each command')
    return parser.parse_args()


def venv_copy(venv: Path, target: Path, startup_file: bool) -> Path:
    """A copy of ``venv`` whose site-packages links to the real one's.

    Args:
        venv (Path): The venv.
        target (Path): Where the copy goes.
        startup_file (bool): Whether the copy keeps :data:`STARTUP_FILE`.

    Returns:
        Path: The copy's python.
    """
    purelib = Path(
        subprocess.run([
            str(venv / 'bin' / 'python'), '-c',
            'import sysconfig; print(sysconfig.get_paths()["purelib"])'
        ],
                       capture_output=True,
                       text=True,
                       check=True).stdout.strip())
    if not (purelib / STARTUP_FILE).is_file():
        raise SystemExit(f'error: {purelib / STARTUP_FILE} not found; '
                         'install linknet_mm with pip first')
    site_packages = target / purelib.relative_to(venv)
    site_packages.mkdir(parents=True)
    for entry in purelib.iterdir():
        if startup_file or entry.name != STARTUP_FILE:
            (site_packages / entry.name).symlink_to(entry)
    shutil.copy(venv / 'pyvenv.cfg', target)
    python = target / 'bin' / 'python'
    python.parent.mkdir()
    python.symlink_to((venv / 'bin' / 'python').resolve())
    return python


def wall_time(python: Path, code: str) -> float:
    """Seconds from start to exit of ``python -c code``."""
    start = time.perf_counter()
    subprocess.run([str(python), '-c', code],
                   check=True,
                   stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def hook_self_time(python: Path) -> int:
    """Microseconds ``-X importtime`` gives the hook module itself."""
    lines = subprocess.run([str(python), '-X', 'importtime', '-c', 'pass'],
                           check=True,
                           capture_output=True,
                           text=True).stderr.splitlines()
    line, = (line for line in lines if line.endswith(' linknet_mm_mmcv_hook'))
    return int(line.split(':')[1].split('|')[0])


def measure(pythons: Dict[str, Path], runs: int) -> Dict[str, List[float]]:
    """Alternate the commands between the venv copies, ``runs`` times.

    Args:
        pythons (dict): The copies' pythons by label.
        runs (int): Runs of each command in each copy.

    Returns:
        dict: Wall times by ``(command, copy)`` key ``'command|copy'``.
    """
    times: Dict[str, List[float]] = {}
    for run in range(runs + 1):  # the first run warms the caches
        order = list(pythons.items())
        for label, python in order if run % 2 else order[::-1]:
            for command, code in COMMANDS.items():
                seconds = wall_time(python, code)
                if run:
                    times.setdefault(f'{command}|{label}', []).append(seconds)
    return times


def print_table(times: Dict[str, List[float]], self_times: List[int],
                runs: int) -> None:
    """Print the medians and minimums of :func:`measure`'s times.

    Args:
        times (dict): From :func:`measure`.
        self_times (list[int]): From :func:`hook_self_time`.
        runs (int): Runs of each command in each copy.
    """
    print(f'CPU: {cpu_model()}, {os.cpu_count()} cores, load average '
          f'{os.getloadavg()[0]:.1f}; {runs} runs of each command, '
          'alternating; PYTHONDONTWRITEBYTECODE='
          f'{os.environ.get("PYTHONDONTWRITEBYTECODE", "")!r}')
    print(f'{"ms, median (min)":<26} {"with file":>16} {"without":>16} '
          f'{"diff of medians":>16}')
    for command in COMMANDS:
        cells = [[1000 * t for t in times[f'{command}|{label}']]
                 for label in ('with', 'without')]
        medians = [statistics.median(cell) for cell in cells]
        print(f'{command:<26} ' +
              ' '.join(f'{median:>8.1f} ({min(cell):>6.1f})'
                       for median, cell in zip(medians, cells)) +
              f' {medians[0] - medians[1]:>+16.1f}')
    print('-X importtime self time of linknet_mm_mmcv_hook: median '
          f'{statistics.median(self_times):.0f} us, min {min(self_times)} us')


def main() -> None:
    """Build the two venv copies, time them and print the table."""
    args = parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pythons = {
            label: venv_copy(args.venv.resolve(), Path(tmp, label), keep)
            for label, keep in (('with', True), ('without', False))
        }
        times = measure(pythons, args.runs)
        self_times = [
            hook_self_time(pythons['with']) for _ in range(args.runs)
        ]
    print_table(times, self_times, args.runs)


if __name__ == '__main__':
    main()
