"""tools/quickstart.sh and tools/misc/quickstart.py: quiet, logs kept."""
import os
import re
from types import SimpleNamespace

import pytest
from mmengine.logging import MessageHub

from conftest import run_tool, tool_module

progress = tool_module('misc/quickstart_progress.py')


def _runner(total=600):
    """What the progress hook reads of a runner, in train or test."""
    hub = MessageHub(f'quickstart{total}')
    return SimpleNamespace(message_hub=hub, max_iters=total, iter=0,
                           test_dataloader=range(total))


def _train(hook, runner, done):
    """Iteration ``done`` of 600, as the runner's hooks leave it."""
    runner.iter = done - 1
    runner.message_hub.update_scalar('train/loss', 3 - done / 600)
    runner.message_hub.update_info('eta', 540 - done * 540 // 600)
    hook.after_train_iter(runner, done - 1)


def test_progress_off_a_terminal_writes_a_line_per_tenth(tmp_path):
    with open(tmp_path / 'out', 'w') as out:
        hook, runner = progress.QuickstartProgressHook(out.fileno()), \
            _runner()
        for done in range(1, 601):
            _train(hook, runner, done)
        hook.after_train(runner)
    lines = (tmp_path / 'out').read_text().splitlines()
    assert [re.search(r'\d+/600', line)[0] for line in lines] == [
        '1/600', '60/600', '120/600', '180/600', '240/600', '300/600',
        '360/600', '420/600', '480/600', '540/600', '600/600']
    assert re.fullmatch(r'  iteration   1/600  loss 2\.9983  '
                        r'elapsed 0:00:\d\d  ETA 0:09:00', lines[0])
    # the loss is mmengine's log window: the mean of the last 10 iterations
    assert re.fullmatch(r'  iteration 600/600  loss 2\.0075  '
                        r'elapsed 0:00:\d\d  ETA 0:00:00', lines[-1])


def test_progress_on_a_terminal_rewrites_one_line():
    terminal, tty = os.openpty()
    hook, runner = progress.QuickstartProgressHook(tty), _runner(40)
    hook.after_val_iter(runner, 0)  # validation inside training: no line
    for done in (10, 20, 40):
        runner.message_hub.update_info('eta', 40 - done)
        hook.after_test_iter(runner, done - 1)
    hook.after_test(runner)
    os.close(tty)
    written = b''
    while True:  # what the terminal got, until it is closed
        try:
            chunk = os.read(terminal, 4096)
        except OSError:  # EIO: no writer left
            break
        if not chunk:
            break
        written += chunk
    os.close(terminal)
    written = written.decode()
    lines = written.split('\r  ')
    assert lines[0] == '' and len(lines) == 4
    assert '\n' not in ''.join(lines[:-1]) and written.endswith('\n')
    assert re.fullmatch(r'image 40/40  elapsed 0:00:\d\d  ETA 0:00:00',
                        lines[-1].rstrip())


@pytest.fixture(scope='module')
def quick_run(tmp_path_factory):
    """A whole quiet quickstart: 4 + 2 generated scenes, 2 iterations."""
    tmp = tmp_path_factory.mktemp('quickstart').resolve()
    proc = run_tool('misc/quickstart.py', '--data-root', tmp / 'data',
                    '--work-dir', tmp / 'work', '--iters', '2',
                    '--num-train', '4', '--num-val', '2')
    return proc, tmp


def test_quiet_output_is_progress_and_results(quick_run):
    proc, tmp = quick_run
    tmp = re.escape(str(tmp))
    work, logs = f'{tmp}/work', f'{tmp}/work/logs'
    once = [
        f'The whole output of each step goes to {logs}',
        f'Data: generating 4 train \\+ 2 val Cityscapes-pairs scenes in '
        f'{tmp}/data',
        r'Training LinkNet-R18 from scratch for 2 iterations \(configs/.*\)',
        r'  iteration 2/2  loss \d\.\d{4}  elapsed 0:\d\d:\d\d  '
        r'ETA 0:00:00',
        f'  checkpoint: {work}/iter_2.pth',
        r'Testing it on the validation scenes, drawing each prediction',
        r'  image 2/2  elapsed 0:\d\d:\d\d  ETA 0:00:00',
        r'\| +class +\| IoU % \| Acc % \|',
        r'mIoU \d+\.\d\d  \(aAcc \d+\.\d\d, mAcc \d+\.\d\d\)',
        f'overlays \\(image \\| ground truth \\| prediction\\), 2 images: '
        f'{work}/overlays/vis_data/vis_image',
        f'predicted trainId maps: {work}/predictions',
        f'confusion matrix: {work}/test/confusion_matrix.png',
        f'training curves: {work}/2\\d+_\\d+/training_curves.png',
        f'full logs: {logs} \\(data.log, train.log, test.log\\)',
    ]
    repeated = [
        r'  done in 0:\d\d:\d\d',  # a line per step
        r'  iteration 1/2  loss \d\.\d{4}  elapsed 0:\d\d:\d\d  '
        r'ETA 0:\d\d:\d\d',
        r'  image 1/2  elapsed 0:\d\d:\d\d  ETA 0:\d\d:\d\d',
        r'\+-+\+-+\+-+\+',  # the table's rules and rows
        r'\| +[a-z ]+ \| +([\d.]+|nan) +\| +([\d.]+|nan) +\|',
    ]
    lines = proc.stdout.splitlines()
    assert [line for line in lines if not any(
        re.fullmatch(p, line) for p in once + repeated)] == []
    for pattern in once:
        assert sum(bool(re.fullmatch(pattern, ln)) for ln in lines) == 1
    assert sum(ln.startswith('  done in') for ln in lines) == 3
    assert len([ln for ln in lines if ln.startswith('|')]) == 1 + 19
    assert proc.stderr == ''


def test_logs_hold_the_whole_output(quick_run):
    proc, tmp = quick_run
    logs = tmp / 'work' / 'logs'
    train, test = (logs / 'train.log').read_text(), (
        logs / 'test.log').read_text()
    assert 'Wrote 4 train + 2 val composites' in (
        logs / 'data.log').read_text()
    for log in (train, test):
        assert ' - mmengine - INFO - Config:' in log  # the config dump
        assert '(NORMAL      ) IterTimerHook' in log  # the hook table
    assert 'Config:' not in proc.stdout and 'Hook' not in proc.stdout
    assert 'Iter(train) [2/2]' in train
    # mmseg's SegVisualizationHook warns on stderr, which the log keeps
    assert 'UserWarning: The draw is False' in train
    assert 'Iter(test) [2/2]' in test and 'per class results:' in test


def test_the_pictures_are_where_it_says(quick_run):
    _, tmp = quick_run
    work = tmp / 'work'
    assert len(list(
        (work / 'overlays' / 'vis_data' / 'vis_image').glob('*.png'))) == 2
    assert len(list((work / 'predictions').glob('*.png'))) == 2
    assert (work / 'test' / 'confusion_matrix.png').is_file()


def _failing_data_root(tmp_path):
    (tmp_path / 'a_file').write_text('')
    return tmp_path / 'a_file' / 'data'  # cannot be created


def test_a_failing_step_exits_with_its_status_and_the_end_of_its_log(
        tmp_path):
    proc = run_tool('misc/quickstart.py', '--data-root',
                    _failing_data_root(tmp_path), '--work-dir',
                    tmp_path / 'work', check=False)
    log = tmp_path / 'work' / 'logs' / 'data.log'
    tail = log.read_text().splitlines()[-30:]
    assert proc.returncode == 1
    assert 'Training' not in proc.stdout
    assert proc.stderr.splitlines() == [
        f'data failed (exit status 1); the last {len(tail)} lines of its '
        'log:', *tail, f'full log: {log}'
    ]
    assert tail[-1].startswith('NotADirectoryError')


def test_verbose_shows_the_tools_output_as_it_comes(tmp_path):
    proc = run_tool('misc/quickstart.py', '--verbose', '--data-root',
                    _failing_data_root(tmp_path), '--work-dir',
                    tmp_path / 'work', check=False)
    assert proc.returncode == 1
    assert '+ python tools/misc/make_synthetic_data.py' in proc.stdout
    assert 'Traceback (most recent call last)' in proc.stderr
    assert proc.stderr.splitlines()[-1] == 'data failed (exit status 1)'
    assert not (tmp_path / 'work' / 'logs').exists()


def test_quickstart_sh_shows_set_up_failures_with_their_log(tmp_path):
    proc = run_tool('quickstart.sh', check=False, env={
        'LINKNET_MMCV': 'wrong', 'LINKNET_VENV': str(tmp_path / 'venv'),
        'TMPDIR': str(tmp_path)})
    log, = tmp_path.glob('linknet_mm-setup.*')
    message = "[setup] LINKNET_MMCV must be lite or full, got 'wrong'"
    assert proc.returncode == 2
    assert proc.stdout == message + '\n'  # the [setup] lines, as they come
    assert proc.stderr.splitlines() == [
        '[setup] failed (exit status 2); the last 30 lines of its log:',
        message, f'full log: {log}'
    ]
    assert not (tmp_path / 'venv').exists()
