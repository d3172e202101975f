"""Folding BatchNorm into convolutions keeps the outputs."""
import copy

import pytest
import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmseg.registry import MODELS

from conftest import CONFIGS, load_config
from linknet_mm.models.decode_heads import FullConvModule
from linknet_mm.models.utils import fuse_conv_bn


def _randomise_bn(model: nn.Module) -> None:
    """Give every BN non-trivial statistics and affine parameters."""
    generator = torch.Generator().manual_seed(0)
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            n = module.num_features
            module.running_mean.copy_(torch.rand(n, generator=generator) - .5)
            module.running_var.copy_(torch.rand(n, generator=generator) + .5)
            module.weight.data.copy_(torch.rand(n, generator=generator) + .5)
            module.bias.data.copy_(torch.rand(n, generator=generator) - .5)


def _count_bn(model: nn.Module) -> int:
    return sum(isinstance(m, nn.BatchNorm2d) for m in model.modules())


@pytest.mark.parametrize('backbone', [
    dict(),
    dict(type='ResNetV1c', depth=50),
])
def test_linknet_fused_equals_unfused(backbone):
    cfg = load_config(CONFIGS / '_base_' / 'models' / 'linknet_r18.py')
    cfg.model.backbone.update(backbone)
    if backbone.get('depth') == 50:
        cfg.model.decode_head.in_channels = [256, 512, 1024, 2048]
    model = MODELS.build(cfg.model)
    with torch.no_grad():
        _randomise_bn(model)
    model.eval()
    fused = copy.deepcopy(model)
    pairs = fuse_conv_bn(fused)
    assert pairs == _count_bn(model) and _count_bn(fused) == 0
    x = torch.rand(2, 3, 67, 93)
    with torch.no_grad():
        expected, got = model._forward(x), fused._forward(x)
    assert torch.allclose(expected, got, atol=1e-4, rtol=0)


def test_transposed_conv_with_crop_is_folded():
    block = FullConvModule(4, 6, 3, 2).eval()
    with torch.no_grad():
        _randomise_bn(block)
    fused = copy.deepcopy(block)
    assert fuse_conv_bn(fused) == 1
    assert isinstance(fused.norm, nn.Identity)
    x = torch.rand(1, 4, 5, 7)
    with torch.no_grad():
        assert torch.allclose(block(x, (9, 13)), fused(x, (9, 13)), atol=1e-5)


def test_only_pairs_in_execution_order_are_folded():
    pre_norm = ConvModule(
        4,
        4,
        3,
        padding=1,
        norm_cfg=dict(type='BN'),
        order=('norm', 'conv', 'act')).eval()
    sequential = nn.Sequential(
        nn.Conv2d(4, 4, 1), nn.ReLU(), nn.BatchNorm2d(4), nn.Conv2d(4, 4, 1),
        nn.BatchNorm2d(4)).eval()
    assert fuse_conv_bn(pre_norm) == 0
    assert fuse_conv_bn(sequential) == 1
    assert isinstance(sequential[2], nn.BatchNorm2d)
    assert isinstance(sequential[4], nn.Identity)


def test_train_mode_is_refused():
    with pytest.raises(ValueError, match='eval'):
        fuse_conv_bn(nn.Sequential(nn.Conv2d(3, 4, 1), nn.BatchNorm2d(4)))
