"""init_segmentor: strict weights (partial_load=True on request), class
names from checkpoint or config;
model_to_export (tools/deployment/export_tool.py): the export tools' model."""
import pytest
import torch

from conftest import TINY, tool_module
from linknet_mm.apis import init_segmentor
from linknet_mm.errors import CheckpointMismatchError, ConfigError

export_tool = tool_module('deployment/export_tool.py')


@pytest.fixture(scope='module')
def model(tiny_checkpoint):
    return init_segmentor(TINY, str(tiny_checkpoint))


def test_dataset_meta_from_config(model):
    assert model.dataset_meta['classes'][:2] == ('road', 'sidewalk')
    assert len(model.dataset_meta['palette']) == 19
    assert not model.training


def test_checkpoint_of_other_classes_is_refused(tiny_checkpoint):
    with pytest.raises(CheckpointMismatchError) as error:
        init_segmentor(
            TINY,
            str(tiny_checkpoint),
            cfg_options={'model.decode_head.num_classes': 2})
    assert 'decode_head.conv_seg.weight: checkpoint (8, 19, 2, 2) vs ' \
        'model (8, 2, 2, 2)' in str(error.value)


def test_checkpoint_missing_tensors_is_refused(tmp_path, model):
    state = {
        k: v
        for k, v in model.state_dict().items()
        if not k.startswith('decode_head.final_conv')
    }
    path = tmp_path / 'partial.pth'
    torch.save({'state_dict': state}, path)
    with pytest.raises(
            CheckpointMismatchError,
            match=r'differ \(\d+ missing\).*final_conv.*: missing'):
        init_segmentor(TINY, str(path))


def test_checkpoint_ddp_prefix_and_class_names_load(tmp_path, model):
    state = {f'module.{k}': v for k, v in model.state_dict().items()}
    path = tmp_path / 'ddp.pth'
    torch.save(
        {
            'state_dict': state,
            'meta': {
                'dataset_meta': dict(
                    classes=tuple('abc'), palette=[[0] * 3] * 3)
            }
        }, path)
    loaded = init_segmentor(TINY, str(path))
    assert loaded.dataset_meta['classes'] == ('a', 'b', 'c')
    for key, value in model.state_dict().items():
        assert torch.equal(value, loaded.state_dict()[key]), key


def test_checkpoint_extra_tensors_are_refused(tmp_path, model):
    state = dict(model.state_dict())
    state['auxiliary_head.conv.weight'] = torch.zeros(1)
    path = tmp_path / 'aux.pth'
    torch.save({'state_dict': state}, path)
    with pytest.raises(
            CheckpointMismatchError,
            match=r'aux\.pth .*1 unexpected.*auxiliary_head'):
        init_segmentor(TINY, str(path))


def test_checkpoint_of_a_deeper_resnet_is_refused(tmp_path):
    deeper = init_segmentor(TINY, cfg_options={'model.backbone.depth': 34})
    path = tmp_path / 'r34.pth'
    torch.save({'state_dict': deeper.state_dict()}, path)
    with pytest.raises(CheckpointMismatchError) as error:
        init_segmentor(TINY, str(path))
    message = str(error.value)
    assert str(path) in message and str(TINY) in message
    assert 'imply a ResNet-34 backbone, the config builds ResNet-18' in \
        message
    loaded = init_segmentor(
        TINY, str(path), cfg_options={'partial_load': True})
    assert torch.equal(loaded.backbone.layer1[0].conv1.weight,
                       deeper.backbone.layer1[0].conv1.weight)


def test_model_to_export_loads_the_checkpoint(tiny_checkpoint, model,
                                              monkeypatch, tmp_path):
    warnings = []
    monkeypatch.setattr(export_tool, 'print_log',
                        lambda msg, **kwargs: warnings.append(msg))
    loaded = export_tool.model_to_export(
        str(TINY), str(tiny_checkpoint), None, str(tmp_path / 'm.onnx'))
    for name, tensor in model.state_dict().items():
        torch.testing.assert_close(loaded.state_dict()[name], tensor)
    assert warnings == []


def test_model_to_export_warns_of_random_weights(monkeypatch, tmp_path):
    warnings = []
    monkeypatch.setattr(export_tool, 'print_log',
                        lambda msg, **kwargs: warnings.append(msg))
    export_tool.model_to_export(
        str(TINY), None, {'model.decode_head.num_classes': 3},
        str(tmp_path / 'm.onnx'))
    assert warnings == ['no checkpoint given: exporting random weights']


def test_model_to_export_checks_cfg_options(tmp_path):
    with pytest.raises(ConfigError, match='modle'):
        export_tool.model_to_export(
            str(TINY), None, {'modle.decode_head.num_classes': 3},
            str(tmp_path / 'm.onnx'))
