"""SafeRunner in-process: checked checkpoint loads, atomic saves, alias."""
import pytest
import torch
from mmengine.config import Config
from mmengine.testing.runner_test_case import ToyDataset, ToyModel
from mmseg.registry import RUNNERS

from linknet_mm.engine import SafeRunner
from linknet_mm.errors import (CheckpointMismatchError, ConfigError,
                               InputError)

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
