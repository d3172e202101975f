"""The memory format a runner puts the model in: ``memory_format``."""
from typing import FrozenSet, Optional

import torch

from ...errors import ConfigError
from ...utils.cpu import cpu_flags

#: Values of the config's ``memory_format``.
MEMORY_FORMATS = ('auto', 'channels_last', 'contiguous_format')


def model_memory_format(setting: str,
                        device: str,
                        bf16: bool,
                        flags: Optional[FrozenSet[str]] = None
                        ) -> torch.memory_format:
    """The memory format for the model's convolution weights.

    With channels-last weights every convolution reads and writes NHWC
    activations, oneDNN's native layout on a CPU, instead of reordering
    NCHW ones around each call. ``'auto'`` picks it for bf16 training
    (``--amp``) on CPUs with AVX-512, where it trained LinkNet 1.2-1.3x
    faster (docs/en/benchmarks.md). It keeps PyTorch's default in fp32:
    torch 2.13's fp32 channels-last backward of a 1x1 stride-2 convolution
    with 8 or fewer input channels corrupts memory and crashes (a narrow
    ResNet's downsample; docs/en/benchmarks.md); on AVX2-only CPUs, where
    channels-last measured slower (MobileNetV2, fp32, 0.70x); and on
    accelerators, where it was not measured.

    Args:
        setting (str): One of :data:`MEMORY_FORMATS`.
        device (str): 'cpu', 'cuda', ... (:func:`mmengine.device.get_device`).
        bf16 (bool): Whether the model trains under CPU bf16 autocast.
        flags (frozenset[str], optional): CPU flags, e.g. of another CPU in
            tests; read when None. Defaults to None.

    Returns:
        torch.memory_format: ``torch.channels_last`` or
        ``torch.contiguous_format``.

    Raises:
        ConfigError: If ``setting`` is not one of :data:`MEMORY_FORMATS`.
    """
    if setting not in MEMORY_FORMATS:
        raise ConfigError(f'memory_format must be one of {MEMORY_FORMATS}, '
                          f'got {setting!r}')
    if setting == 'auto':
        flags = cpu_flags() if flags is None else flags
        fast = bf16 and device == 'cpu' and 'avx512f' in flags
        setting = 'channels_last' if fast else 'contiguous_format'
    return getattr(torch, setting)
