"""CpuBf16OptimWrapper: bfloat16 forward, fp32 weights, refused by emulation.

Autocast to bfloat16 works on every CPU (emulated where it is not native,
only slower), so the dtypes are checked everywhere; fake ``cpu_info``
stands for a CPU with or without native bfloat16.
"""
import pytest
import torch
from mmengine.optim import build_optim_wrapper
from torch import nn

from linknet_mm.engine import CpuBf16OptimWrapper
from linknet_mm.errors import ConfigError

BF16_CPU = dict({'model name': 'Fake Xeon'}, flags='avx2 avx512f avx512_bf16')
OLD_CPU = dict({'model name': 'Fake Core'}, flags='avx2 avx512f')


def _model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
        nn.Conv2d(4, 2, 1))


def _wrapper(model: nn.Module) -> CpuBf16OptimWrapper:
    """Built as a config builds it: by name, from mmseg's registry."""
    return build_optim_wrapper(
        model,
        dict(
            type='CpuBf16OptimWrapper',
            cpu_info=BF16_CPU,
            optimizer=dict(type='SGD', lr=0.1)))


def test_refuses_a_cpu_without_native_bf16():
    with pytest.raises(ConfigError) as error:
        CpuBf16OptimWrapper(
            cpu_info=OLD_CPU,
            optimizer=torch.optim.SGD(_model().parameters(), lr=0.1))
    message = str(error.value)
    assert 'avx512_bf16 or amx_bf16' in message
    assert 'Fake Core' in message and 'no avx512_vnni avx512_bf16' in message


def test_builds_by_name_on_a_cpu_with_native_bf16():
    assert isinstance(_wrapper(_model()), CpuBf16OptimWrapper)


def test_forward_in_the_context_is_bf16_and_outside_fp32():
    model = _model()
    wrapper = _wrapper(model)
    inputs = torch.rand(2, 3, 8, 8)
    with wrapper.optim_context(model):
        assert model[0](inputs).dtype == torch.bfloat16
    assert model[0](inputs).dtype == torch.float32


def test_a_step_updates_fp32_parameters_with_fp32_gradients():
    model = _model()
    wrapper = _wrapper(model)
    before = [p.detach().clone() for p in model.parameters()]
    with wrapper.optim_context(model):
        loss = model(torch.rand(2, 3, 8, 8)).float().pow(2).mean()
    loss.backward()
    assert all(p.grad.dtype == torch.float32 for p in model.parameters())
    wrapper.step()
    for old, new in zip(before, model.parameters()):
        assert new.dtype == torch.float32
        assert not torch.equal(old, new)
