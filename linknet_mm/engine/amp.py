"""What ``tools/train.py --amp`` changes in a config, by device."""
import logging
from typing import Dict, Optional

from mmengine.config import Config
from mmengine.device import get_device
from mmengine.logging import print_log

from ..errors import ConfigError
from ..utils.cpu import cpu_flags, cpu_summary, native_bf16


def enable_amp(cfg: Config,
               device: Optional[str] = None,
               cpu_info: Optional[Dict[str, str]] = None) -> None:
    """Switch ``cfg.optim_wrapper`` to mixed precision, in place.

    On an accelerator: mmengine's ``AmpOptimWrapper`` with dynamic loss
    scaling, as mmseg's ``--amp`` does. On a CPU with native bfloat16
    (AVX512-BF16 or AMX-BF16):
    :class:`~linknet_mm.engine.optim_wrappers.CpuBf16OptimWrapper`,
    forward passes in bfloat16, which is logged. A config that already
    names the chosen wrapper is kept, with a warning.

    Args:
        cfg (Config): The training config; ``optim_wrapper.type`` must be
            ``OptimWrapper`` or the wrapper chosen for ``device``.
        device (str, optional): 'cuda', 'npu', 'mlu', 'musa' or 'cpu';
            :func:`mmengine.device.get_device` when None. Defaults to None.
        cpu_info (dict, optional): ``/proc/cpuinfo`` entries describing
            the CPU (``'model name'``, ``'flags'``), e.g. a fake one in
            tests; read when None. Defaults to None.

    Raises:
        ConfigError: On a CPU without native bfloat16, or if the config
            has another optimizer wrapper.
    """
    device = get_device() if device is None else device
    if device != 'cpu':
        wrapper, options = 'AmpOptimWrapper', dict(loss_scale='dynamic')
    elif native_bf16(cpu_flags(cpu_info)):
        wrapper, options = 'CpuBf16OptimWrapper', {}
    else:
        raise ConfigError(
            '--amp needs an accelerator (gpu, npu, mlu or musa) or a CPU with '
            'native bfloat16 (AVX512-BF16 or AMX-BF16); this one has '
            f'neither: {cpu_summary(cpu_info)}; train without --amp')
    current = cfg.optim_wrapper.type
    if current == wrapper:
        print_log(
            f'AMP training is already enabled in your config ({wrapper}).',
            logger='current',
            level=logging.WARNING)
    elif current != 'OptimWrapper':
        raise ConfigError(f'--amp on {device} needs optim_wrapper.type '
                          f'OptimWrapper (it becomes {wrapper}), got '
                          f'{current}')
    else:
        cfg.optim_wrapper.type = wrapper
        cfg.optim_wrapper.update(options)
    if device == 'cpu':
        print_log(
            '--amp: training in bfloat16 on the CPU (autocast forward; '
            f'weights and gradients stay fp32): {cpu_summary(cpu_info)}',
            logger='current')
