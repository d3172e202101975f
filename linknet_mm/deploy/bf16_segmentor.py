"""A segmentor in bfloat16 on the CPU: BN folded, channels-last, autocast."""
from typing import FrozenSet, Optional

import torch
import torch.nn as nn
from torch import Tensor

from ..errors import PrecisionError
from ..utils.cpu import BF16_FLAGS, cpu_summary, native_bf16
from .backend_segmentor import BackendSegmentor
from .logits_model import optimized_module


def bf16_unavailable(flags: Optional[FrozenSet[str]] = None) -> Optional[str]:
    """Why bfloat16 is not offered on the CPU of ``flags`` (this one's when
    None), naming the CPU and the flags it lacks; None where it is."""
    if native_bf16(flags):
        return None
    where = 'the given CPU flags' if flags is not None else cpu_summary()
    return (f'bf16 is not offered on this CPU ({where}): it has none of '
            f'{", ".join(BF16_FLAGS)}, so bfloat16 would be emulated, '
            'which is slower than fp32')


class Bf16Segmentor(BackendSegmentor):
    """A segmentor's logits in bfloat16 with ``torch.autocast`` on the CPU.

    Runs :func:`~.logits_model.optimized_module` (a copy, BatchNorm folded,
    channels-last: oneDNN's fast bfloat16 layout); logits come back as
    float32. Only where the CPU (of ``flags``; this one's when None)
    computes bfloat16 natively (:func:`~linknet_mm.utils.native_bf16`).

    Args:
        segmentor (nn.Module): Of :func:`~linknet_mm.apis.init_segmentor`.
        flags (frozenset[str], optional): CPU flags. Defaults to None.
    """

    backend = 'bf16 PyTorch'

    def __init__(self,
                 segmentor: nn.Module,
                 flags: Optional[FrozenSet[str]] = None) -> None:
        reason = bf16_unavailable(flags)
        if reason:
            raise PrecisionError(reason)
        super().__init__(segmentor.cfg, segmentor.dataset_meta)
        self.net = optimized_module(segmentor).cpu()

    def logits(self, inputs: Tensor) -> Tensor:
        """float32 logits of a pixel batch, computed in bfloat16."""
        inputs = inputs.float().contiguous(memory_format=torch.channels_last)
        with torch.inference_mode(), torch.autocast('cpu', torch.bfloat16):
            return self.net(inputs).float()
