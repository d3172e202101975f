"""The memory format a runner puts the model in: ``memory_format``."""
from typing import FrozenSet, Optional

import torch

from ...errors import ConfigError
from ...utils.cpu import cpu_flags

#: Values of the config's ``memory_format``.
MEMORY_FORMATS = ('auto', 'channels_last', 'contiguous_format')


def model_memory_format(setting: str,
                        device: str,
                        flags: Optional[FrozenSet[str]] = None
                        ) -> torch.memory_format:
    """The memory format for the model's convolution weights.

    With channels-last weights every convolution reads and writes NHWC
    activations, oneDNN's native layout on a CPU, instead of reordering
    NCHW ones around each call. ``'auto'`` picks it on CPUs with AVX-512,
    where it trained LinkNet 1.2-1.4x faster in fp32 and bf16
    (docs/en/benchmarks.md); it keeps PyTorch's default on AVX2-only CPUs,
    where channels-last measured slower (MobileNetV2, fp32, 0.70x), and on
    accelerators, where it was not measured.

    Args:
        setting (str): One of :data:`MEMORY_FORMATS`.
        device (str): 'cpu', 'cuda', ... (:func:`mmengine.device.get_device`).
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
        fast = device == 'cpu' and 'avx512f' in flags
        setting = 'channels_last' if fast else 'contiguous_format'
    return getattr(torch, setting)
