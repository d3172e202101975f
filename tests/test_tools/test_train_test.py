"""tools/train.py and tools/test.py end to end on generated brain data."""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import cv2
import mmseg
import pytest
import torch

from conftest import REPO, TINY_BRAIN, run_tool
from linknet_mm.utils import native_bf16

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _train(work_dir, data_root, *options, extra=()):
    return run_tool('train.py', TINY_BRAIN, *extra, '--work-dir', work_dir,
                    '--cfg-options', f'data_root={data_root}', *options)


def _metrics(stdout: str) -> dict:
    """The metrics of the last ``Iter(test)`` summary line."""
    line = [ln for ln in stdout.splitlines() if 'Iter(test)' in ln
            and 'mIoU' in ln][-1]
    return {k: float(v) for k, v in re.findall(r'(\w+): ([\d.]+)', line)
            if k in ('aAcc', 'mIoU', 'mAcc', 'mDice')}


@pytest.fixture(scope='module')
def trained(tmp_path_factory, brain_root):
    work_dir = tmp_path_factory.mktemp('train')
    _train(work_dir, brain_root)
    return work_dir


def test_train_writes_interval_and_best_checkpoints(trained):
    names = {p.name for p in trained.glob('*.pth')}
    assert {'iter_3.pth', 'iter_6.pth'} <= names
    assert any(n.startswith('best_Dice.tumor_iter_') for n in names)
    assert (trained / 'last_checkpoint').read_text().endswith('iter_6.pth')
    ckpt = torch.load(trained / 'iter_6.pth')  # weights_only=True
    assert ckpt['meta']['iter'] == 6
    assert ckpt['meta']['dataset_meta']['classes'] == ('background', 'tumor')


def test_amp_on_a_cpu_with_native_bf16_trains_in_bf16(tmp_path, brain_root):
    if torch.cuda.is_available() or not native_bf16():
        pytest.skip('--amp trains in bfloat16 only on a CPU with native bf16')
    proc = _train(tmp_path, brain_root, 'train_cfg.max_iters=2',
                  'train_cfg.val_interval=2', extra=['--amp'])
    assert '--amp: training in bfloat16 on the CPU' in proc.stdout
    log, = tmp_path.glob('2*/2*.log')
    assert "type='CpuBf16OptimWrapper'" in log.read_text()
    assert 'Dice.tumor' in log.read_text()  # validated after bf16 training
    state = torch.load(tmp_path / 'iter_2.pth')['state_dict']
    assert {v.dtype for v in state.values() if v.is_floating_point()} == {
        torch.float32}


def test_test_tool_evaluates_a_checkpoint(trained, brain_root, tmp_path):
    proc = run_tool('test.py', TINY_BRAIN, trained / 'iter_6.pth',
                    '--work-dir', tmp_path, '--cfg-options',
                    f'data_root={brain_root}')
    metrics = _metrics(proc.stdout)
    assert set(metrics) == {'aAcc', 'mIoU', 'mAcc', 'mDice'}
    dumped = list(tmp_path.glob('*/*.json'))
    assert dumped and 'mIoU' in json.loads(dumped[0].read_text())


def test_mmseg_stock_test_tool_loads_our_checkpoint(trained, brain_root):
    """mmseg's own tools/test.py: our custom_imports fix torch.load."""
    stock = Path(mmseg.__file__).parent / '.mim' / 'tools' / 'test.py'
    proc = subprocess.run(
        [sys.executable, str(stock), str(TINY_BRAIN),
         str(trained / 'iter_6.pth'), '--work-dir',
         str(trained / 'stock_test'), '--cfg-options',
         f'data_root={brain_root}',
         f'test_dataloader.dataset.data_root={brain_root}'],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'mIoU' in proc.stdout


def test_resume_after_sigkill_matches_an_uninterrupted_run(
        tmp_path, brain_root):
    options = ('train_cfg.max_iters=24', 'train_cfg.val_interval=100',
               'param_scheduler.0.end=24')
    _train(tmp_path / 'straight', brain_root, *options)

    killed = tmp_path / 'killed'
    cmd = [sys.executable, 'tools/train.py', str(TINY_BRAIN), '--work-dir',
           str(killed), '--cfg-options', f'data_root={brain_root}', *options]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while not (killed / 'last_checkpoint').exists():
        assert proc.poll() is None and time.time() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    resumed_from = (killed / 'last_checkpoint').read_text()
    assert not resumed_from.endswith('iter_24.pth'), 'killed too late'

    out = _train(killed, brain_root, *options, extra=('--resume', ))
    assert f'Load checkpoint from {resumed_from}' in out.stdout + out.stderr
    final = torch.load(killed / 'iter_24.pth')
    straight = torch.load(tmp_path / 'straight' / 'iter_24.pth')
    assert final['meta']['iter'] == straight['meta']['iter'] == 24
    for key, value in straight['state_dict'].items():
        torch.testing.assert_close(final['state_dict'][key], value,
                                   msg=f'{key} differs after resume')


def test_dist_train_two_processes_on_cpu(tmp_path, brain_root):
    proc = run_tool('dist_train.sh', TINY_BRAIN, 2, '--work-dir', tmp_path,
                    '--cfg-options', f'data_root={brain_root}',
                    env=dict(PORT=str(_free_port())))
    log = proc.stdout + proc.stderr
    assert 'Distributed training: True' in log and 'GPU number: 2' in log
    assert 'using the gloo backend' in log
    assert torch.load(tmp_path / 'iter_6.pth')['meta']['iter'] == 6


def test_two_nodes_one_process_each(tmp_path, brain_root):
    """Two launches with NNODES=2, as on two machines."""
    env = dict(os.environ, NNODES='2', MASTER_ADDR='127.0.0.1',
               PORT=str(_free_port()), PYTHON=sys.executable)
    logs = [tmp_path / f'node{rank}.log' for rank in (0, 1)]
    procs = []
    for rank, log in enumerate(logs):
        with open(log, 'w') as out:  # a file: a full pipe would block a node
            procs.append(subprocess.Popen(
                ['bash', 'tools/dist_train.sh', str(TINY_BRAIN), '1',
                 '--work-dir', str(tmp_path / 'work'), '--cfg-options',
                 f'data_root={brain_root}'],
                cwd=REPO, env=dict(env, NODE_RANK=str(rank)), stdout=out,
                stderr=subprocess.STDOUT))
    codes = [p.wait(timeout=600) for p in procs]
    assert codes == [0, 0], logs[codes.index(max(codes))].read_text()[-3000:]
    ckpt = torch.load(tmp_path / 'work' / 'iter_6.pth')
    assert ckpt['meta']['iter'] == 6
    log = logs[0].read_text()
    # mmengine reports the world size as 'GPU number'
    assert 'GPU number: 2' in log and 'using the gloo backend' in log


def test_dist_test_matches_one_process(trained, brain_root, tmp_path):
    single = _metrics(run_tool(
        'test.py', TINY_BRAIN, trained / 'iter_6.pth', '--work-dir',
        tmp_path / 'one', '--cfg-options', f'data_root={brain_root}').stdout)
    double = _metrics(run_tool(
        'dist_test.sh', TINY_BRAIN, trained / 'iter_6.pth', '2',
        '--work-dir', tmp_path / 'two', '--cfg-options',
        f'data_root={brain_root}', env=dict(PORT=str(_free_port()))).stdout)
    assert double == single


def test_training_curves_are_drawn(trained):
    curves = list(trained.glob('*/training_curves.png'))
    assert len(curves) == 1
    assert cv2.imread(str(curves[0])).shape == (400, 1000, 3)


def test_show_dir_and_out_write_pictures_and_tables(trained, brain_root,
                                                    tmp_path):
    # a relative --show-dir goes under the work dir, not the current folder
    run_tool('test.py', TINY_BRAIN, trained / 'iter_6.pth', '--work-dir',
             tmp_path, '--show-dir', 'show', '--out',
             tmp_path / 'preds', '--cfg-options', f'data_root={brain_root}')
    assert not (REPO / 'show').exists()
    metrics_json, = tmp_path.glob('2*/2*.json')
    metrics = json.loads(metrics_json.read_text())
    counts = [v for k, v in metrics.items() if k.startswith('per_image_count')]
    assert len(counts) == 3 and sum(counts) == 4  # every test image, binned
    overlays = sorted((tmp_path / 'show').rglob('*.png'))
    assert len(overlays) == 4  # every test image
    # image | ground truth | prediction, each 128 wide
    assert cv2.imread(str(overlays[0])).shape == (128, 3 * 128, 3)
    per_class = json.loads((tmp_path / 'per_class.json').read_text())
    assert set(per_class) == {'background', 'tumor'}
    assert set(per_class['tumor']) == {'IoU', 'Acc', 'Dice'}
    confusion = json.loads(
        (tmp_path / 'confusion_matrix.json').read_text())
    # every labelled pixel of the 4 test masks (128x128) counted once
    assert sum(map(sum, confusion['counts'])) == 4 * 128 * 128
    assert (tmp_path / 'confusion_matrix.png').stat().st_size > 0
    # --out holds the predictions only (mmseg's confusion_matrix.py reads
    # every file there as an image)
    assert len(list((tmp_path / 'preds').iterdir())) == 4
    assert len(list((tmp_path / 'preds').glob('[0-9]*.png'))) == 4
    rows = json.loads(
        (tmp_path / 'per_image_dice.json').read_text())
    assert len(rows) == 4 and all('tumor' in r['Dice'] for r in rows)
    report = run_tool('analysis_tools/per_image_report.py',
                      tmp_path / 'per_image_dice.json',
                      '--vis-dir', tmp_path / 'show', '--worst', 2,
                      '--sample', 3, '--width', 300, '--out-dir',
                      tmp_path / 'report').stdout
    assert '4 images, per-image Dice' in report
    worst = cv2.imread(str(tmp_path / 'report' / 'worst_2.png'))
    sample = cv2.imread(str(tmp_path / 'report' / 'sample_3.png'))
    # two columns of 300-wide panels: 1 row of 2, 2 rows (3 panels)
    assert worst.shape[1] == sample.shape[1] == 600
    assert sample.shape[0] == 2 * worst.shape[0]


def test_test_time_augmentation(trained, brain_root, tmp_path):
    proc = run_tool('test.py', TINY_BRAIN, trained / 'iter_6.pth', '--tta',
                    '--work-dir', tmp_path, '--cfg-options',
                    f'data_root={brain_root}')
    assert set(_metrics(proc.stdout)) == {'aAcc', 'mIoU', 'mAcc', 'mDice'}
