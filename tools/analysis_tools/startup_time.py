"""Python's start-up time with and without linknet_mm's start-up file.

pip installs ``linknet_mm_mmcv_hook.pth`` into site-packages, and ``site``
runs its line at every interpreter start (see ``setup.py``). This times
``python -c pass`` and ``python -c "import mmseg"`` in two throw-away
copies of a venv whose site-packages link to every entry of the real one,
one of them without the file, alternating between them, and prints the
median (minimum) of each and the hook module's own ``-X importtime``.
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
import timeit
from pathlib import Path
from typing import Dict, List

from linknet_mm.utils import cpu_summary

STARTUP_FILE = 'linknet_mm_mmcv_hook.pth'
COMMANDS = {'python -c pass': 'pass',
            'python -c "import mmseg"': 'import mmseg'}


def venv_copy(venv: Path, target: Path, startup_file: bool) -> Path:
    """A copy of ``venv`` (its python returned) whose site-packages link to
    the real one's entries, :data:`STARTUP_FILE` only if ``startup_file``."""
    purelib = Path(subprocess.run(
        [str(venv / 'bin' / 'python'), '-c',
         'import sysconfig; print(sysconfig.get_paths()["purelib"])'],
        capture_output=True, text=True, check=True).stdout.strip())
    if not (purelib / STARTUP_FILE).is_file():
        raise SystemExit(f'error: {purelib / STARTUP_FILE} not found; '
                         'install linknet_mm with pip first')
    site_packages = target / purelib.relative_to(venv)
    site_packages.mkdir(parents=True)
    for entry in purelib.iterdir():
        if startup_file or entry.name != STARTUP_FILE:
            (site_packages / entry.name).symlink_to(entry)
    shutil.copy(venv / 'pyvenv.cfg', target)
    (target / 'bin').mkdir()
    (target / 'bin' / 'python').symlink_to((venv / 'bin' / 'python').resolve())
    return target / 'bin' / 'python'


def run(*args: str) -> str:
    """Run a command; its stderr."""
    return subprocess.run(args, check=True, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True).stderr


def measure(pythons: Dict[str, Path], runs: int) -> Dict[str, List[float]]:
    """Milliseconds of each command by ``'command|copy'``: ``runs`` rounds
    over the copies, their order alternating, after one round to warm up."""
    times: Dict[str, List[float]] = {}
    for round_ in range(runs + 1):
        order = list(pythons.items())
        for label, python in order if round_ % 2 else order[::-1]:
            for command, code in COMMANDS.items():
                ms = 1000 * timeit.timeit(lambda: run(str(python), '-c', code),
                                          number=1)
                if round_:
                    times.setdefault(f'{command}|{label}', []).append(ms)
    return times


def hook_self_time(python: Path) -> int:
    """Microseconds ``-X importtime`` gives the hook module itself."""
    line, = (line for line in run(str(python), '-X', 'importtime', '-c',
                                  'pass').splitlines()
             if line.endswith(' linknet_mm_mmcv_hook'))
    return int(line.split(':')[1].split('|')[0])


def main() -> None:
    """Build the two venv copies, time them and print the table."""
    parser = argparse.ArgumentParser(
        description='Start-up time with and without the start-up file')
    parser.add_argument('--venv', type=Path,
                        default=Path(__file__).resolve().parents[2] / '.venv',
                        help='the venv (default: .venv of the repository)')
    parser.add_argument('--runs', type=int, default=11,
                        help='runs of each command')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pythons = {label: venv_copy(args.venv.resolve(), Path(tmp, label), keep)
                   for label, keep in (('with', True), ('without', False))}
        times = measure(pythons, args.runs)
        hook = [hook_self_time(pythons['with']) for _ in range(args.runs)]
    print(f'CPU: {cpu_summary()}, load average {os.getloadavg()[0]:.1f}; '
          f'{args.runs} runs of each command, alternating; '
          f'PYTHONDONTWRITEBYTECODE='
          f'{os.environ.get("PYTHONDONTWRITEBYTECODE", "")!r}')
    print(f'{"ms, median (min)":<26} {"with file":>16} {"without":>16} '
          f'{"diff of medians":>16}')
    for command in COMMANDS:
        cells = [times[f'{command}|{label}'] for label in ('with', 'without')]
        medians = [statistics.median(cell) for cell in cells]
        print(f'{command:<26} ' + ' '.join(
            f'{median:>8.1f} ({min(cell):>6.1f})'
            for median, cell in zip(medians, cells)) +
              f' {medians[0] - medians[1]:>+16.1f}')
    print('-X importtime self time of linknet_mm_mmcv_hook: median '
          f'{statistics.median(hook):.0f} us, min {min(hook)} us')


if __name__ == '__main__':
    main()
