"""SafeRunner in-process: checked checkpoint loads, atomic saves, alias,
a full disk and Ctrl-C."""
import errno
import os.path as osp
import socket
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.fileio.backends import LocalBackend
from mmengine.hooks import Hook
from mmengine.testing.runner_test_case import ToyDataset, ToyModel
from mmseg.registry import RUNNERS

from linknet_mm.engine import SafeRunner
from linknet_mm.engine.runner.faults import resume_command
from linknet_mm.engine.runner.work_dir_lock import LOCK_NAME
from linknet_mm.errors import (CheckpointMismatchError, ConfigError,
                               DiskFullError, InputError, TrainingInterrupted)

ITERS = 2


class ConvToyModel(ToyModel):
    """mmengine's toy model with a (unused) convolution weight."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = torch.nn.Conv2d(2, 4, 3)


def _runner(work_dir, model=None, **cfg) -> SafeRunner:
    """A two-iteration run of mmengine's toy model, checkpoint at the end."""
    return SafeRunner(
        model=model or ToyModel(),
        work_dir=str(work_dir),
        train_dataloader=dict(
            dataset=ToyDataset(),
            sampler=dict(type='DefaultSampler', shuffle=False),
            batch_size=3,
            num_workers=0),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
        train_cfg=dict(by_epoch=False, max_iters=ITERS),
        default_hooks=dict(
            checkpoint=dict(
                type='CheckpointHook', interval=ITERS, by_epoch=False)),
        default_scope='mmseg',  # the val metric below is mmseg's
        cfg=Config(cfg))


def test_old_config_name_selects_the_same_runner():
    assert RUNNERS.get('SafeRunner') is SafeRunner
    assert RUNNERS.get('LinkNetRunner') is SafeRunner


def test_checkpoint_saved_whole_under_its_name(tmp_path):
    _runner(tmp_path).train()
    saved = tmp_path / f'iter_{ITERS}.pth'
    assert saved.is_file()
    assert not list(tmp_path.glob('*.part'))
    state = torch.load(saved)['state_dict']  # weights_only: allowlisted
    assert set(state) == {'linear1.weight', 'linear1.bias', 'linear2.weight',
                          'linear2.bias'}


@pytest.fixture
def wrong_shape(tmp_path):
    state = ToyModel().state_dict()
    state['linear2.weight'] = torch.zeros(2, 2)  # the model has (1, 2)
    path = tmp_path / 'other.pth'
    torch.save(dict(state_dict=state), path)
    return path


def test_checkpoint_of_another_shape_is_refused(tmp_path, wrong_shape):
    runner = _runner(tmp_path / 'run')
    with pytest.raises(CheckpointMismatchError,
                       match=r'other\.pth.*linear2\.weight.*partial_load'):
        runner.load_checkpoint(str(wrong_shape))


def test_partial_load_takes_what_fits(tmp_path, wrong_shape):
    runner = _runner(tmp_path / 'run', partial_load=True)
    runner.load_checkpoint(str(wrong_shape))
    fitting = torch.load(wrong_shape)['state_dict']['linear1.bias']
    assert torch.equal(runner.model.linear1.bias, fitting)


def test_checkpoint_with_tensors_the_model_lacks_is_refused(tmp_path):
    state = ToyModel().state_dict()
    state['linear3.weight'] = torch.zeros(1, 1)  # e.g. a deeper backbone's
    path = tmp_path / 'deeper.pth'
    torch.save(dict(state_dict=state), path)
    runner = _runner(tmp_path / 'run')
    with pytest.raises(
            CheckpointMismatchError,
            match=r'deeper\.pth does not fit the model of this config: 1 '
            r'tensors differ \(1 unexpected\).*linear3\.weight.*partial_load'):
        runner.load_checkpoint(str(path))


def test_stale_part_files_are_removed_at_start(tmp_path):
    (tmp_path / 'iter_1.pth.part').write_bytes(b'half a checkpoint')
    _runner(tmp_path).train()
    assert not list(tmp_path.glob('*.part'))


def test_num_workers_0_with_persistent_workers_just_works(tmp_path):
    runner = _runner(tmp_path)
    loader = runner.build_dataloader(
        dict(
            dataset=ToyDataset(),
            sampler=dict(type='DefaultSampler', shuffle=False),
            batch_size=3,
            num_workers=0,
            persistent_workers=True))
    assert not loader.persistent_workers and len(next(iter(loader))) == 2


def test_first_val_sample_is_loaded_before_training(tmp_path):

    class BrokenDataset(ToyDataset):

        def __getitem__(self, index):
            raise InputError(f'val file {index} cannot be read')

    runner = _runner(tmp_path)
    runner._val_dataloader = dict(
        dataset=BrokenDataset(),
        sampler=dict(type='DefaultSampler', shuffle=False),
        batch_size=3,
        num_workers=0)
    runner._val_evaluator = dict(type='IoUMetric')
    runner._val_loop = dict(type='ValLoop')
    with pytest.raises(InputError, match='val file 0'):
        runner.train()
    assert not list(tmp_path.glob('*.pth'))  # no iteration ran


@pytest.mark.parametrize('setting,expected', [
    ('channels_last', torch.channels_last),
    ('contiguous_format', torch.contiguous_format),
])
def test_model_in_the_configured_memory_format(tmp_path, setting, expected):
    runner = _runner(tmp_path, ConvToyModel(), memory_format=setting)
    weight = runner.model.conv.weight
    assert weight.is_contiguous(memory_format=expected)
    assert not weight.is_contiguous(memory_format=(
        torch.contiguous_format if expected is torch.channels_last else
        torch.channels_last))


def test_bad_memory_format_stops_before_training(tmp_path):
    with pytest.raises(ConfigError, match='memory_format must be one of'):
        _runner(tmp_path, ConvToyModel(), memory_format='NHWC')
    assert not list(tmp_path.glob('*.pth'))


class _StopAt(Hook):
    """Raise ``error`` in the hooks of iteration ``at`` (0-based)."""

    def __init__(self, at: int, error: BaseException) -> None:
        self.at, self.error = at, error

    def after_train_iter(self,
                         runner,
                         batch_idx,
                         data_batch=None,
                         outputs=None) -> None:
        if batch_idx == self.at:
            raise self.error


def _saving_each_iter(work_dir, iters=3, **kwargs) -> SafeRunner:
    """:func:`_runner` saving a checkpoint after every iteration."""
    runner = _runner(work_dir, **kwargs)
    runner._train_loop = dict(by_epoch=False, max_iters=iters)
    runner.register_hook(
        dict(type='CheckpointHook', interval=1, by_epoch=False),
        priority='VERY_LOW')
    return runner


def _failing_put(fail_name: str, error: BaseException):
    """A ``LocalBackend.put`` that writes half of ``fail_name``, then
    raises ``error``: a disk filling up (or Ctrl-C) during the write."""
    put = LocalBackend.put

    def failing(self, obj, filepath):
        if osp.basename(filepath) != fail_name:
            return put(self, obj, filepath)
        with open(filepath, 'wb') as f:
            f.write(obj[:len(obj) // 2])
        raise error

    return failing


def test_full_disk_removes_the_partial_file_and_names_the_need(
        tmp_path, monkeypatch):
    full = OSError(errno.ENOSPC, 'No space left on device')
    monkeypatch.setattr(LocalBackend, 'put',
                        _failing_put('iter_2.pth.part', full))
    runner = _saving_each_iter(tmp_path)
    with pytest.raises(DiskFullError) as caught:
        runner.train()
    message = str(caught.value)
    assert f'work dir {tmp_path}: checkpoint iter_2.pth needs about' in \
        message
    assert f'last good checkpoint: {tmp_path / "iter_1.pth"}' in message
    assert '\n' not in message and caught.value.__cause__ is full
    assert not list(tmp_path.glob('*.part'))
    assert (tmp_path / 'last_checkpoint').read_text() == \
        str(tmp_path / 'iter_1.pth')
    assert torch.load(tmp_path / 'iter_1.pth')['meta']['iter'] == 1
    assert not (tmp_path / '.train.lock').exists()


def test_other_save_errors_remove_the_partial_file_and_propagate(
        tmp_path, monkeypatch):
    monkeypatch.setattr(
        LocalBackend, 'put',
        _failing_put('iter_1.pth.part',
                     PermissionError(errno.EACCES, 'Permission denied')))
    with pytest.raises(PermissionError):
        _saving_each_iter(tmp_path).train()
    assert not list(tmp_path.glob('*.part'))


def test_ctrl_c_names_the_iteration_and_the_checkpoint(tmp_path):
    runner = _saving_each_iter(tmp_path)
    runner.register_hook(_StopAt(1, KeyboardInterrupt()))
    with pytest.raises(TrainingInterrupted) as caught:
        runner.train()
    assert str(caught.value).startswith(
        'training stopped by Ctrl-C after iteration 1 of 3; last good '
        f'checkpoint: {tmp_path / "iter_1.pth"}; resume with: ')
    assert isinstance(caught.value, KeyboardInterrupt)
    assert not isinstance(caught.value, Exception)  # except Exception: no
    assert not (tmp_path / '.train.lock').exists()


def test_ctrl_c_while_saving_leaves_no_partial_file(tmp_path, monkeypatch):
    monkeypatch.setattr(LocalBackend, 'put',
                        _failing_put('iter_1.pth.part', KeyboardInterrupt()))
    with pytest.raises(TrainingInterrupted, match='no checkpoint saved yet'):
        _saving_each_iter(tmp_path).train()
    assert not list(tmp_path.glob('*.part'))
    assert not (tmp_path / 'last_checkpoint').exists()


def test_resume_command_is_the_train_command_with_resume():
    assert resume_command(['tools/train.py', 'a b.py', '--cfg-options',
                           'x=1']) == \
        "python tools/train.py 'a b.py' --cfg-options x=1 --resume"
    assert resume_command(['tools/train.py', 'c.py', '--resume']) == \
        'python tools/train.py c.py --resume'
    assert resume_command(['/usr/bin/pytest', 'tests']) is None


def test_config_not_dumped_over_a_running_run(tmp_path):
    sleeper = subprocess.Popen(
        [sys.executable, '-c', 'import time; time.sleep(60)'])
    (tmp_path / LOCK_NAME).write_text(f'{socket.gethostname()} {sleeper.pid}')
    try:
        _runner(tmp_path)  # e.g. tools/test.py beside the training
        assert not list(tmp_path.glob('*.py'))
    finally:
        sleeper.kill()
        sleeper.wait()
    _runner(tmp_path)
    assert len(list(tmp_path.glob('*.py'))) == 1
