"""engine.checkpoint: mmengine checkpoints load with weights_only=True
(code never runs); a checkpoint of another model is refused in one line."""
import os
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub
from mmengine.runner import load_checkpoint

from linknet_mm.engine.checkpoint import (compare_state_dicts,
                                          history_buffer_getattr,
                                          load_segmentor_checkpoint,
                                          read_checkpoint)
from linknet_mm.errors import CheckpointMismatchError, ConfigError


class _RunsCommand:
    """Unpickling this calls os.system: what a malicious checkpoint does."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f'touch {self.marker}', )


class _LooksUp:
    """Pickles as getattr(obj, name), as pickle does for bound methods."""

    def __init__(self, obj, name):
        self.obj, self.name = obj, name

    def __reduce__(self):
        return getattr, (self.obj, self.name)


def _message_hub_state():
    hub = MessageHub('test_checkpoint')
    for loss in (1.0, 0.5, 0.25):
        hub.update_scalar('train/loss', loss)
    hub.update_info('eta', np.float64(3.5))
    hub.update_info('iters', np.int64(7))
    return hub.state_dict()


def test_message_hub_state_round_trips(tmp_path):
    path = tmp_path / 'ckpt.pth'
    torch.save(
        dict(
            state_dict=dict(w=torch.ones(2)),
            message_hub=_message_hub_state()), path)
    loaded = torch.load(path)  # weights_only=True, torch's default
    buffer = loaded['message_hub']['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer)
    assert buffer.mean() == pytest.approx(0.583333, rel=1e-5)
    assert buffer.statistics('current') == 0.25
    assert loaded['message_hub']['runtime_info']['eta'] == 3.5


def test_pickled_os_system_is_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / 'pwned'
    path = tmp_path / 'evil.pth'
    torch.save(dict(state_dict={}, meta=_RunsCommand(marker)), path)
    with pytest.raises(pickle.UnpicklingError, match='system'):
        load_checkpoint(torch.nn.Linear(1, 1), str(path))
    assert not marker.exists()


@pytest.mark.parametrize('obj, name', [
    (HistoryBuffer, '__init__'),
    (HistoryBuffer, 'update'),
    (np.ndarray, 'tofile'),
])
def test_getattr_beyond_history_buffer_statistics_is_refused(
        tmp_path, obj, name):
    path = tmp_path / 'evil.pth'
    torch.save(dict(meta=_LooksUp(obj, name)), path)
    with pytest.raises(pickle.UnpicklingError, match='checkpoint refused'):
        torch.load(path)


def test_getattr_stand_in_resolves_statistics_only():
    assert history_buffer_getattr(HistoryBuffer, 'mean') is \
        HistoryBuffer.__dict__['mean']
    with pytest.raises(pickle.UnpicklingError):
        history_buffer_getattr(HistoryBuffer(), 'mean')  # instance, not class
    with pytest.raises(pickle.UnpicklingError):
        history_buffer_getattr(os, 'system')


def test_read_checkpoint_refuses_code_in_one_line(tmp_path):
    marker = tmp_path / 'pwned'
    path = tmp_path / 'evil.pth'
    torch.save(dict(state_dict={}, meta=_RunsCommand(marker)), path)
    with pytest.raises(CheckpointMismatchError) as error:
        read_checkpoint(str(path))
    message = str(error.value)
    assert str(path) in message and 'refused' in message
    assert 'system' in message and '\n' not in message
    assert 'weights_only' not in message
    assert error.value.__cause__ is None  # torch's advice is not chained
    assert not marker.exists()


@pytest.mark.parametrize('content', [b'hello world\n', b'', b'\x89PNG\r\n'])
def test_read_checkpoint_names_a_file_that_is_no_checkpoint(tmp_path, content):
    path = tmp_path / 'notes.pth'
    path.write_bytes(content)
    with pytest.raises(
            CheckpointMismatchError,
            match=f'{path} cannot be read: it is truncated, or is not a '
            'PyTorch checkpoint'):
        read_checkpoint(str(path))


def _resnet_segmentor(depth):
    """A narrow LinkNet on mmseg's ResNet of ``depth`` (random weights)."""
    from mmseg.registry import MODELS
    return MODELS.build(
        dict(
            type='EncoderDecoder',
            backbone=dict(
                type='ResNet', depth=depth, stem_channels=8, base_channels=8),
            decode_head=dict(
                type='LinkNetHead',
                in_channels=[8, 16, 32, 64],
                in_index=(0, 1, 2, 3),
                channels=8,
                num_classes=3)))


def test_compare_state_dicts_lists_missing_unexpected_and_shapes():
    expected = dict(a=torch.zeros(2), b=torch.zeros(3), c=torch.zeros(1))
    got = dict(a=torch.zeros(2), b=torch.zeros(4), d=torch.zeros(1))
    diff = compare_state_dicts(expected, got)
    assert diff.missing == ['c'] and diff.unexpected == ['d']
    assert diff.shapes == ['b: checkpoint (4,) vs model (3,)']
    assert diff.summary().startswith(
        '3 tensors differ (1 missing, 1 unexpected, 1 of another shape)')
    assert not compare_state_dicts(expected, dict(expected))


def test_num_batches_tracked_is_not_a_difference():
    expected = {'bn.weight': torch.ones(1), 'bn.num_batches_tracked': 0}
    assert not compare_state_dicts(expected, {'bn.weight': torch.ones(1)})
    assert not compare_state_dicts({'bn.weight': torch.ones(1)}, expected)


@pytest.mark.parametrize('theirs,ours,field', [(34, 18, 'unexpected'),
                                               (18, 34, 'missing')])
def test_another_resnet_depth_is_named(theirs, ours, field):
    diff = compare_state_dicts(_resnet_segmentor(ours).state_dict(),
                               _resnet_segmentor(theirs).state_dict())
    assert getattr(diff, field) and not diff.shapes
    assert f'backbone.layer1.2 imply a ResNet-{theirs} backbone' in diff.hint
    assert f'the config builds ResNet-{ours}' in diff.hint


def test_a_bare_backbone_is_named():
    model = _resnet_segmentor(18)
    backbone = model.backbone.state_dict()
    diff = compare_state_dicts(model.state_dict(), backbone)
    assert "lack the 'backbone.' prefix" in diff.hint


def test_load_refuses_unexpected_tensors_in_one_line(tmp_path):
    path = tmp_path / 'r34.pth'
    torch.save({'state_dict': _resnet_segmentor(34).state_dict()}, path)
    model = _resnet_segmentor(18)
    with pytest.raises(CheckpointMismatchError) as error:
        load_segmentor_checkpoint(model, str(path), 'r18.py')
    message = str(error.value)
    assert '\n' not in message
    assert message.startswith(f'checkpoint {path} does not fit the model '
                              'of r18.py: 80 tensors differ (80 unexpected)')
    assert 'ResNet-34' in message and 'partial_load=True' in message


def test_partial_load_takes_what_fits_on_request(tmp_path):
    source = _resnet_segmentor(34)
    path = tmp_path / 'r34.pth'
    torch.save({'state_dict': source.state_dict()}, path)
    model = _resnet_segmentor(18)
    load_segmentor_checkpoint(model, str(path), 'r18.py', partial=True)
    assert torch.equal(model.backbone.layer1[1].conv1.weight,
                       source.backbone.layer1[1].conv1.weight)


def test_a_missing_checkpoint_is_named(tmp_path):
    path = tmp_path / 'gone.pth'
    with pytest.raises(ConfigError, match=f"checkpoint '{path}' not found"):
        read_checkpoint(str(path))
