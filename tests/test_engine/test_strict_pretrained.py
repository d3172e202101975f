"""init_cfg=dict(type='StrictPretrained'): every tensor loads, and stays."""
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import save_checkpoint

from conftest import CONFIGS
from linknet_mm.errors import CheckpointMismatchError, PretrainedNotFoundError
from mmseg.registry import MODELS

CONFIG = CONFIGS / 'linknet' / (
    'linknet_mobilenet-v2-in1k-pre_1xb8-3k_brain-tumor-256x256.py')


def _segmentor(checkpoint):
    cfg = Config.fromfile(str(CONFIG))
    cfg.model.backbone.init_cfg.checkpoint = str(checkpoint)
    return MODELS.build(cfg.model)


def test_converted_weights_survive_the_segmentors_init(converted_mobilenet):
    model = _segmentor(converted_mobilenet)
    model.init_weights()  # what the runner does before training
    saved = torch.load(converted_mobilenet, weights_only=True)['state_dict']
    ours = model.backbone.state_dict()
    assert set(saved) == set(ours)
    assert all(torch.equal(ours[key], value) for key, value in saved.items())


def test_missing_file_names_the_converter_command(tmp_path):
    model = _segmentor(tmp_path / 'checkpoints' / 'mobilenet.pth')
    with pytest.raises(PretrainedNotFoundError) as error:
        model.init_weights()
    message = str(error.value)
    assert 'checkpoints/mobilenet.pth' in message
    assert ('tools/model_converters/mobilenetv2_tflite2mmseg.py '
            'tf2_mobilenet_v2_1.0_224_ptq.tflite '
            f'{tmp_path}/checkpoints/mobilenet.pth`') in message


def _broken(converted, tmp_path, edit):
    state = dict(torch.load(converted, weights_only=True)['state_dict'])
    edit(state)
    path = tmp_path / 'broken.pth'
    save_checkpoint({'state_dict': state}, str(path))
    return path


def test_a_missing_tensor_is_named(converted_mobilenet, tmp_path):
    path = _broken(converted_mobilenet, tmp_path,
                   lambda s: s.pop('layer3.1.conv.1.conv.weight'))
    with pytest.raises(CheckpointMismatchError,
                       match=r'layer3\.1\.conv\.1\.conv\.weight: missing'):
        _segmentor(path).init_weights()


def test_a_tensor_of_another_shape_is_named(converted_mobilenet, tmp_path):

    def shrink(state):
        state['conv1.bn.bias'] = torch.zeros(16)

    path = _broken(converted_mobilenet, tmp_path, shrink)
    with pytest.raises(CheckpointMismatchError,
                       match=r'conv1\.bn\.bias: checkpoint \(16,\) vs model '
                       r'\(32,\)'):
        _segmentor(path).init_weights()


def test_a_tensor_the_backbone_lacks_is_named(converted_mobilenet, tmp_path):

    def add(state):
        state['conv2.conv.weight'] = torch.zeros(1280, 320, 1, 1)

    path = _broken(converted_mobilenet, tmp_path, add)
    with pytest.raises(CheckpointMismatchError,
                       match=r'conv2\.conv\.weight: not a tensor of '
                       'MobileNetV2'):
        _segmentor(path).init_weights()


def test_prefix_loads_the_backbone_of_a_whole_segmentor(
        converted_mobilenet, tmp_path):
    backbone = torch.load(converted_mobilenet, weights_only=True)
    state = {f'backbone.{k}': v for k, v in backbone['state_dict'].items()}
    state['decode_head.conv_seg.weight'] = torch.zeros(2, 32, 1, 1)
    path = tmp_path / 'segmentor.pth'
    save_checkpoint({'state_dict': state}, str(path))
    cfg = Config.fromfile(str(CONFIG))
    cfg.model.backbone.init_cfg.update(checkpoint=str(path),
                                       prefix='backbone.')
    model = MODELS.build(cfg.model)
    model.init_weights()
    assert torch.equal(model.backbone.conv1.bn.bias,
                       backbone['state_dict']['conv1.bn.bias'])
