"""LogitsModel: the segmentor as one module, equal to mmseg's own path."""
import pytest
import torch
import torch.nn as nn

from conftest import TINY
from linknet_mm.apis import init_segmentor
from linknet_mm.deploy.logits_model import (LogitsModel, in_channels_of,
                                            optimized_module)
from linknet_mm.deploy.export import reference_logits


@pytest.fixture(scope='module')
def model(tiny_checkpoint):
    return init_segmentor(TINY, str(tiny_checkpoint))


@pytest.mark.parametrize('shape', [(1, 64, 64), (2, 67, 93)])
def test_logits_equal_the_segmentors_inference(model, shape):
    inputs = torch.rand(
        shape[0], 3, *shape[1:],
        generator=torch.Generator().manual_seed(0)) * 255
    with torch.no_grad():
        ours = LogitsModel(model).eval()(inputs)
    assert ours.shape == (shape[0], 19, *shape[1:])
    torch.testing.assert_close(
        ours, reference_logits(model, inputs), rtol=0, atol=1e-5)


def test_the_optimized_module_folds_every_batchnorm(model):
    optimized = optimized_module(model)
    assert not any(isinstance(m, nn.BatchNorm2d) for m in optimized.modules())
    assert any(isinstance(m, nn.BatchNorm2d) for m in model.modules())
    inputs = (torch.rand(1, 3, 64, 64) *
              255).contiguous(memory_format=torch.channels_last)
    with torch.inference_mode():
        torch.testing.assert_close(
            optimized(inputs),
            LogitsModel(model).eval()(inputs),
            rtol=0,
            atol=1e-3)


def test_in_channels_of(model):
    assert in_channels_of(model) == 3


def test_sliding_window_models_are_refused(model, monkeypatch):
    monkeypatch.setattr(model, 'test_cfg', dict(mode='slide'))
    with pytest.raises(ValueError, match="test_cfg.mode='whole', got 'slide'"):
        LogitsModel(model)


def test_other_model_classes_are_refused():
    with pytest.raises(ValueError, match='EncoderDecoder models, got Linear'):
        LogitsModel(nn.Linear(2, 2))
