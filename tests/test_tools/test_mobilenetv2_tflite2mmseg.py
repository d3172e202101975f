"""TFLite MobileNetV2 to mmseg's MobileNetV2: layouts, the BatchNorm
identity, strict loading and refusals."""
import dataclasses

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.models.backbones import MobileNetV2

from conftest import (DEEPLAB_TFLITE, MOBILENET_TFLITE, shared_weights,
                      tool_module)
from linknet_mm.errors import WeightConversionError

converter = tool_module('model_converters/mobilenetv2_tflite2mmseg.py')
backbone_convs = converter.backbone_convs
convert_mobilenetv2_tflite = converter.convert_mobilenetv2_tflite
depthwise_to_oihw = converter.depthwise_to_oihw
folded_bias_to_bn = converter.folded_bias_to_bn
mobilenetv2_from_tflite = converter.mobilenetv2_from_tflite
ohwi_to_oihw = converter.ohwi_to_oihw
read_tflite_convs = converter.read_tflite_convs


def test_ohwi_to_oihw_moves_input_channels_second():
    weight = np.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5)  # O H W I
    out = ohwi_to_oihw(weight)
    assert out.shape == (2, 5, 3, 4)
    assert out[1, 4, 2, 3] == weight[1, 2, 3, 4]
    assert out.flags['C_CONTIGUOUS']


def test_depthwise_channels_become_output_channels():
    weight = np.arange(3 * 3 * 4).reshape(1, 3, 3, 4)  # 1 kh kw C
    out = depthwise_to_oihw(weight)
    assert out.shape == (4, 1, 3, 3)
    assert out[2, 0, 1, 0] == weight[0, 1, 0, 2]


def test_depthwise_conversion_computes_what_tf_computes():
    rng = np.random.default_rng(0)
    tf_weight = rng.standard_normal((1, 3, 3, 4)).astype(np.float32)
    image = rng.standard_normal((1, 4, 6, 6)).astype(np.float32)
    ours = F.conv2d(torch.from_numpy(image),
                    torch.from_numpy(depthwise_to_oihw(tf_weight)),
                    padding=1, groups=4)
    padded = np.pad(image, ((0, 0), (0, 0), (1, 1), (1, 1)))
    expected = np.zeros((1, 4, 6, 6), np.float32)
    for y in range(6):  # TF's depthwise conv, written out
        for x in range(6):
            window = padded[0, :, y:y + 3, x:x + 3]  # C kh kw
            expected[0, :, y, x] = (window *
                                    tf_weight[0].transpose(2, 0, 1)).sum(
                                        (1, 2))
    assert torch.allclose(ours, torch.from_numpy(expected), atol=1e-5)


def test_depth_multiplier_other_than_one_is_refused():
    with pytest.raises(WeightConversionError, match=r'\[2, 3, 3, 4\]'):
        depthwise_to_oihw(np.zeros((2, 3, 3, 4), np.float32))


def test_folded_bias_becomes_a_batchnorm_that_adds_it():
    bias = np.array([0.5, -1.0, 2.0], np.float32)
    bn = nn.BatchNorm2d(3, eps=1e-5).eval()
    bn.load_state_dict(folded_bias_to_bn(bias, eps=1e-5))
    x = torch.randn(2, 3, 4, 4)
    assert torch.allclose(bn(x), x + torch.from_numpy(bias)[:, None, None],
                          atol=1e-6)
    state = folded_bias_to_bn(bias)
    assert state['running_mean'].tolist() == [0.0] * 3
    assert state['weight'].tolist() == [1.0] * 3


@pytest.fixture(scope='module')
def tflite_convs():
    return read_tflite_convs(str(shared_weights(MOBILENET_TFLITE)))


def test_loads_strictly_into_mmseg_mobilenet_v2(tflite_convs):
    state_dict, rest, changed = mobilenetv2_from_tflite(tflite_convs)
    backbone = MobileNetV2(widen_factor=1.0)
    backbone.load_state_dict(state_dict, strict=True)
    assert sum(p.numel() for p in backbone.parameters()) == 1_811_712
    assert [conv.weight.shape for conv in rest] == [(1280, 1, 1, 320),
                                                    (1001, 1, 1, 1280)]
    stem = tflite_convs[0]
    assert torch.equal(state_dict['conv1.conv.weight'],
                       torch.from_numpy(ohwi_to_oihw(stem.weight)))
    assert torch.equal(state_dict['conv1.bn.bias'],
                       torch.from_numpy(stem.bias))


def test_eval_block_computes_the_folded_convolution(tflite_convs):
    state_dict, _, _ = mobilenetv2_from_tflite(tflite_convs)
    backbone = MobileNetV2(widen_factor=1.0)
    backbone.load_state_dict(state_dict)
    backbone.eval()  # mmseg's MobileNetV2.train returns None
    x = torch.randn(1, 3, 32, 32)
    stem = tflite_convs[0]
    expected = F.relu6(
        F.conv2d(x, torch.from_numpy(ohwi_to_oihw(stem.weight)),
                 torch.from_numpy(stem.bias), stride=2, padding=1))
    with torch.no_grad():
        assert torch.allclose(backbone.conv1(x), expected, atol=1e-4)


def test_a_layer_of_another_shape_is_named(tflite_convs):
    convs = list(tflite_convs)
    third = convs[3]  # layer2.0's expansion, 16 -> 96
    convs[3] = dataclasses.replace(third, weight=third.weight[:48])
    with pytest.raises(WeightConversionError,
                       match=r'expanded_conv_2/expand.*layer2\.0\.conv\.0'):
        mobilenetv2_from_tflite(convs)


def test_too_few_convolutions_are_refused(tflite_convs):
    with pytest.raises(WeightConversionError, match='10 convolutions'):
        mobilenetv2_from_tflite(tflite_convs[:10])


def test_convert_writes_the_checkpoint_with_its_source(tmp_path):
    dst = tmp_path / 'sub' / 'mobilenet.pth'
    summary = convert_mobilenetv2_tflite(
        str(shared_weights(MOBILENET_TFLITE)), str(dst))
    assert summary['tensors'] == 306 and summary['parameters'] == 1_811_712
    checkpoint = torch.load(dst, weights_only=True)
    assert checkpoint['meta']['source'] == MOBILENET_TFLITE
    assert checkpoint['meta']['source_sha256'].startswith('5d3137241276')
    assert list(tmp_path.glob('sub/*')) == [dst]


def test_failed_conversion_leaves_nothing(tmp_path):
    src = tmp_path / 'fake.tflite'
    src.write_bytes(b'\x00' * 64)
    dst = tmp_path / 'out.pth'
    with pytest.raises(WeightConversionError):
        convert_mobilenetv2_tflite(str(src), str(dst))
    assert sorted(p.name for p in tmp_path.iterdir()) == ['fake.tflite']


@pytest.fixture(scope='module')
def deeplab_convs():
    return read_tflite_convs(str(shared_weights(DEEPLAB_TFLITE)))


def test_deeplab_encoder_loads_strictly_at_output_stride_32(deeplab_convs):
    """The uint8 per-tensor TF1 file: every bias is its own operator's, and
    the stride DeepLab took out for output stride 16 is put back."""
    state_dict, rest, changed = mobilenetv2_from_tflite(deeplab_convs)
    MobileNetV2(widen_factor=1.0).load_state_dict(state_dict, strict=True)
    assert [conv.name.split('/')[0] for conv in rest] == [
        'aspp0', 'image_pooling', 'concat_projection', 'logits'
    ]
    assert changed == dict(
        stride=['layer6.0.conv.1'],
        dilation=['layer6.1.conv.1', 'layer6.2.conv.1', 'layer7.0.conv.1'])
    for (prefix, _), conv in zip(
            backbone_convs(MobileNetV2(widen_factor=1.0)), deeplab_convs):
        assert conv.name.startswith('MobilenetV2/')
        assert torch.equal(state_dict[f'{prefix}.bn.bias'],
                           torch.from_numpy(conv.bias))
    # uint8 with a zero point: de-quantized weights are centred, not >= 0
    stem = state_dict['conv1.conv.weight']
    assert stem.min() < 0 < stem.max()


def test_other_geometry_changes_are_refused(deeplab_convs):
    convs = list(deeplab_convs)
    convs[4] = dataclasses.replace(convs[4], stride=1, dilation=2)
    with pytest.raises(WeightConversionError,
                       match=r'stride 1, dilation 2.*layer2\.0\.conv\.1'):
        mobilenetv2_from_tflite(convs)
