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
    """Why bfloat16 is not offered on this CPU, None where it is.

    Args:
        flags (frozenset[str], optional): CPU flags; this CPU's when None.

    Returns:
        str, optional: The reason, naming the CPU and the flags it lacks.
    """
    if native_bf16(flags):
        return None
    where = 'the given CPU flags' if flags is not None else cpu_summary()
    return (f'bf16 is not offered on this CPU ({where}): it has none of '
            f'{", ".join(BF16_FLAGS)}, so bfloat16 would be emulated, '
            'which is slower than fp32')


class Bf16Segmentor(BackendSegmentor):
    """A segmentor's logits in bfloat16 with ``torch.autocast`` on the CPU.

    The optimised module of the segmentor
    (:func:`~.logits_model.optimized_module`: a copy with its
    BatchNorm folded into the convolutions and its weights channels-last,
    the layout of oneDNN's fast bfloat16 kernels); the given segmentor is
    not changed. Convolutions run in bfloat16, the
    logits come back as float32. Offered only where the CPU computes
    bfloat16 natively (:func:`~linknet_mm.utils.native_bf16`).

    Args:
        segmentor (nn.Module): A segmentor from
            :func:`~linknet_mm.apis.init_segmentor` (``cfg`` and
            ``dataset_meta`` set).
        flags (frozenset[str], optional): CPU flags to decide by; this
            CPU's when None. Defaults to None.
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
        """Logits of a batch of pixels, computed in bfloat16.

        Args:
            inputs (Tensor): (N, C, H, W) pixels, see
                :data:`~.logits_model.INPUT_FORMAT`.

        Returns:
            Tensor: float32 logits (N, out_channels, H, W).
        """
        inputs = inputs.float().contiguous(memory_format=torch.channels_last)
        with torch.inference_mode(), torch.autocast('cpu', torch.bfloat16):
            return self.net(inputs).float()
