"""enable_amp: the optimizer wrapper --amp picks on each kind of device."""
import logging
from typing import List

import pytest
from mmengine.config import Config
from mmengine.logging import MMLogger

from linknet_mm.engine import enable_amp
from linknet_mm.errors import ConfigError

BF16_CPU = dict({'model name': 'Fake Xeon'}, flags='avx2 avx512f avx512_bf16')
OLD_CPU = dict({'model name': 'Fake Core'}, flags='avx2 avx512f')


def _cfg(wrapper: str = 'OptimWrapper') -> Config:
    return Config(
        dict(
            optim_wrapper=dict(
                type=wrapper, optimizer=dict(type='AdamW', lr=1e-3))))


@pytest.fixture
def logged() -> List[logging.LogRecord]:
    """Records of the current mmengine logger during the test."""
    records: List[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


def test_accelerator_gets_amp_optim_wrapper_with_dynamic_scaling():
    cfg = _cfg()
    enable_amp(cfg, device='cuda', cpu_info=OLD_CPU)
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.optim_wrapper.loss_scale == 'dynamic'
    assert cfg.optim_wrapper.optimizer.type == 'AdamW'


def test_cpu_with_native_bf16_gets_the_cpu_wrapper_and_says_so(logged):
    cfg = _cfg()
    enable_amp(cfg, device='cpu', cpu_info=BF16_CPU)
    assert cfg.optim_wrapper.type == 'CpuBf16OptimWrapper'
    assert 'loss_scale' not in cfg.optim_wrapper
    messages = [r.getMessage() for r in logged]
    assert any('bfloat16' in m and 'Fake Xeon' in m for m in messages)


def test_cpu_without_native_bf16_is_refused_naming_it():
    cfg = _cfg()
    with pytest.raises(ConfigError, match='--amp needs an accelerator') as e:
        enable_amp(cfg, device='cpu', cpu_info=OLD_CPU)
    assert 'AVX512-BF16' in str(e.value) and 'Fake Core' in str(e.value)
    assert cfg.optim_wrapper.type == 'OptimWrapper'


@pytest.mark.parametrize('device, cpu_info, wrapper', [
    ('cuda', OLD_CPU, 'AmpOptimWrapper'),
    ('cpu', BF16_CPU, 'CpuBf16OptimWrapper'),
])
def test_config_already_amp_is_kept_with_a_warning(logged, device, cpu_info,
                                                   wrapper):
    cfg = _cfg(wrapper)
    enable_amp(cfg, device=device, cpu_info=cpu_info)
    assert cfg.optim_wrapper.type == wrapper
    assert 'loss_scale' not in cfg.optim_wrapper
    assert any(
        r.levelno == logging.WARNING and 'already enabled' in r.getMessage()
        for r in logged)


@pytest.mark.parametrize('device, cpu_info, wrapper', [
    ('cuda', OLD_CPU, 'ApexOptimWrapper'),
    ('cpu', BF16_CPU, 'AmpOptimWrapper'),
])
def test_another_optim_wrapper_is_refused(logged, device, cpu_info, wrapper):
    with pytest.raises(ConfigError, match=f'got {wrapper}'):
        enable_amp(_cfg(wrapper), device=device, cpu_info=cpu_info)
    assert not any('bfloat16' in r.getMessage() for r in logged)
