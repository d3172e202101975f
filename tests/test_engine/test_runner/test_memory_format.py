"""The model memory format a runner picks, by setting, device and CPU."""
import pytest
import torch

from linknet_mm.engine.runner.memory_format import model_memory_format
from linknet_mm.errors import ConfigError

AVX512 = frozenset({'avx2', 'avx512f', 'avx512_bf16'})
AVX2 = frozenset({'avx2', 'fma'})


@pytest.mark.parametrize('device,bf16,flags,expected', [
    ('cpu', True, AVX512, torch.channels_last),
    ('cpu', False, AVX512, torch.contiguous_format),
    ('cpu', True, AVX2, torch.contiguous_format),
    ('cuda', True, AVX512, torch.contiguous_format),
])
def test_auto_picks_by_device_precision_and_cpu(device, bf16, flags,
                                                expected):
    assert model_memory_format('auto', device, bf16, flags) is expected


@pytest.mark.parametrize('setting', ['channels_last', 'contiguous_format'])
@pytest.mark.parametrize('flags', [AVX512, AVX2])
def test_explicit_setting_wins(setting, flags):
    assert model_memory_format(setting, 'cpu', False, flags) is getattr(
        torch, setting)


def test_unknown_setting_names_it_and_the_choices():
    with pytest.raises(ConfigError, match=r"memory_format must be one of "
                       r"\('auto', 'channels_last', 'contiguous_format'\), "
                       r"got 'nhwc'"):
        model_memory_format('nhwc', 'cpu', True, AVX512)
