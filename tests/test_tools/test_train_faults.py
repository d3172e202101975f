"""tools/train.py under faults: a work dir in use, Ctrl-C, a full disk.

Each leaves the work dir as it was or resumable, and ends in one line.
"""
import hashlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from conftest import REPO, TINY_BRAIN, run_tool
from linknet_mm.engine.runner.work_dir_lock import LOCK_NAME

pytestmark = pytest.mark.slow

#: A short run: checkpoints at 3, 6, 9 and 12 (the tiny config's
#: interval), no validation before the end.
SHORT = ('train_cfg.max_iters=12', 'train_cfg.val_interval=100',
         'param_scheduler.0.end=12')
#: Installed through PYTHONPATH in the training process: the write of
#: ``{name}`` stops half-way with ENOSPC, as on a disk that fills up.
FULL_DISK = '''
import errno, os.path
from mmengine.fileio.backends import LocalBackend
put = LocalBackend.put
def full(self, obj, filepath):
    if os.path.basename(filepath) != {name!r}:
        return put(self, obj, filepath)
    with open(filepath, 'wb') as f:
        f.write(obj[:len(obj) // 2])
    raise OSError(errno.ENOSPC, 'No space left on device', filepath)
LocalBackend.put = full
'''


def _train_cmd(work_dir, data_root):
    return [
        sys.executable, 'tools/train.py',
        str(TINY_BRAIN), '--work-dir',
        str(work_dir), '--cfg-options', f'data_root={data_root}', *SHORT
    ]


def _snapshot(folder: Path) -> dict:
    """Every entry under ``folder``: a file's sha256, 'dir' for a folder."""
    return {
        str(p.relative_to(folder)):
        'dir' if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob('*'))
    }


@pytest.fixture
def sleeper():
    """A live process, standing in for the run that holds a lock."""
    proc = subprocess.Popen(
        [sys.executable, '-c', 'import time; time.sleep(120)'])
    yield proc.pid
    proc.kill()
    proc.wait()


def test_refused_second_run_leaves_the_work_dir_unchanged(
        tmp_path, brain_root, sleeper):
    work_dir = tmp_path / 'busy'
    (work_dir / '20250101_000000' / 'vis_data').mkdir(parents=True)
    (work_dir / '20250101_000000' / '20250101_000000.log').write_text('log')
    (work_dir / TINY_BRAIN.name).write_text('# the running run\'s config\n')
    (work_dir / 'iter_3.pth').write_bytes(b'a checkpoint')
    (work_dir / 'last_checkpoint').write_text(str(work_dir / 'iter_3.pth'))
    (work_dir / LOCK_NAME).write_text(f'{socket.gethostname()} {sleeper}')
    before = _snapshot(work_dir)
    proc = run_tool(
        'train.py',
        TINY_BRAIN,
        '--work-dir',
        work_dir,
        '--cfg-options',
        f'data_root={brain_root}',
        check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f'error: work dir {work_dir} is in use by another training run '
        f'(process {sleeper} on {socket.gethostname()}, lock file '
        f'{work_dir / LOCK_NAME}): two runs would overwrite each other\'s '
        'checkpoints; pass another --work-dir, or delete the lock file if '
        'that run is over'
    ]
    assert _snapshot(work_dir) == before


def _interrupt_after_first_checkpoint(cmd, work_dir, log) -> int:
    """Start ``cmd``, send SIGINT once it has saved; its exit code."""
    with open(log, 'w') as out:  # a file: a full pipe would block the run
        proc = subprocess.Popen(
            cmd,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
            # a shell's background job ignores SIGINT: undo that
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        deadline = time.time() + 300
        while not (work_dir / 'last_checkpoint').exists():
            assert proc.poll() is None and time.time() < deadline
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        return proc.wait(timeout=120)


def test_ctrl_c_says_how_to_resume_and_resume_continues(tmp_path, brain_root):
    work_dir = tmp_path / 'run'
    cmd = _train_cmd(work_dir, brain_root)
    log = tmp_path / 'interrupted.log'
    assert _interrupt_after_first_checkpoint(cmd, work_dir, log) == 130
    output = log.read_text()
    assert 'Traceback' not in output
    last = (work_dir / 'last_checkpoint').read_text()
    stopped = int(torch.load(last)['meta']['iter'])
    line = output.strip().splitlines()[-1]
    resume = shlex.join(['python', *cmd[1:], '--resume'])
    assert stopped < 12, 'interrupted too late'
    assert line.startswith('training stopped by Ctrl-C after iteration ')
    assert line.endswith(f' of 12; last good checkpoint: {last}; resume '
                         f'with: {resume}')
    assert not list(work_dir.glob('*.part'))
    assert not (work_dir / LOCK_NAME).exists()

    args = shlex.split(line.split('resume with: ')[1])
    proc = subprocess.run([sys.executable, *args[1:]],
                          cwd=REPO,
                          capture_output=True,
                          text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f'resumed epoch: 0, iter: {stopped}' in proc.stdout + proc.stderr
    assert torch.load(work_dir / 'iter_12.pth')['meta']['iter'] == 12


def test_full_disk_is_one_line_and_leaves_no_partial_file(
        tmp_path, brain_root):
    work_dir = tmp_path / 'run'
    site = tmp_path / 'site'
    site.mkdir()
    (site / 'sitecustomize.py').write_text(
        FULL_DISK.format(name='iter_6.pth.part'))
    path = os.pathsep.join(
        p for p in (str(site), os.environ.get('PYTHONPATH')) if p)
    proc = subprocess.run(
        _train_cmd(work_dir, brain_root),
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=path),
        capture_output=True,
        text=True,
        timeout=600)
    assert proc.returncode == 1
    assert 'Traceback' not in proc.stderr
    line = proc.stderr.strip().splitlines()[-1]
    good = work_dir / 'iter_3.pth'
    assert line.startswith(
        f'error: no space left on the disk of work dir {work_dir}: '
        'checkpoint iter_6.pth needs about ')
    assert f'last good checkpoint: {good}; free space, then resume with: ' \
        'python ' in line
    assert line.endswith(' --resume')
    assert not list(work_dir.glob('*.part'))
    assert (work_dir / 'last_checkpoint').read_text() == str(good)
    assert torch.load(good)['meta']['iter'] == 3
    assert not (work_dir / LOCK_NAME).exists()
