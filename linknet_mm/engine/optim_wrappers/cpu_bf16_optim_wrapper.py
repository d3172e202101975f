"""Mixed-precision training on a CPU: forward passes in bfloat16."""
from contextlib import contextmanager
from typing import Dict, Iterator, Optional

import torch
from mmengine.optim import OptimWrapper
from torch import nn

from mmseg.registry import OPTIM_WRAPPERS
from ...errors import ConfigError
from ...utils.cpu import BF16_FLAGS, cpu_flags, cpu_summary, native_bf16


@OPTIM_WRAPPERS.register_module()
class CpuBf16OptimWrapper(OptimWrapper):
    """:class:`OptimWrapper` whose forward runs under CPU bfloat16 autocast.

    The CPU counterpart of mmengine's ``AmpOptimWrapper`` (which runs on
    gpu, npu, mlu or musa only): convolutions and matrix products compute
    in bfloat16, the rest as autocast decides; parameters, gradients and
    the optimizer state stay fp32. bfloat16 has fp32's exponent range, so
    no loss scaling is needed. Only the model's forward on the CPU is cast
    (validation runs in fp32).

    It refuses to be built on a CPU without native bfloat16 (AVX512-BF16 or
    AMX-BF16): there oneDNN emulates it, slower than fp32.

    Args:
        cpu_info (dict, optional): ``/proc/cpuinfo`` entries as
            :func:`linknet_mm.utils.cpu.read_cpuinfo` returns them
            (``'model name'``, ``'flags'``), to describe another CPU, e.g.
            in tests; read when None. Defaults to None.
        **kwargs: For :class:`OptimWrapper` (``optimizer``,
            ``accumulative_counts``, ``clip_grad``).

    Raises:
        ConfigError: If the CPU has none of
            :data:`linknet_mm.utils.cpu.BF16_FLAGS`.
    """

    def __init__(self,
                 cpu_info: Optional[Dict[str, str]] = None,
                 **kwargs) -> None:
        if not native_bf16(cpu_flags(cpu_info)):
            raise ConfigError(
                f'{type(self).__name__} needs a CPU with native bfloat16 '
                f'({" or ".join(BF16_FLAGS)}), this one emulates it, slower '
                f'than fp32: {cpu_summary(cpu_info)}; use OptimWrapper')
        super().__init__(**kwargs)

    @contextmanager
    def optim_context(self, model: nn.Module) -> Iterator[None]:
        """The parent's context, with CPU bfloat16 autocast around it.

        Args:
            model (nn.Module): The model being trained.
        """
        with super().optim_context(model), torch.autocast(
                'cpu', dtype=torch.bfloat16):
            yield
