"""A segmentor as one module, raw pixels in, logits at input size out:
what export, the bf16 backend and the parity check run."""
import torch
import torch.nn as nn
from mmseg.models import EncoderDecoder
from mmseg.models.utils import resize
from torch import Tensor

from ..models.utils import fused_copy

#: What :class:`LogitsModel` (and so every export) takes.
INPUT_FORMAT = ('float32 (N, C, H, W) pixel values 0-255 in the channel '
                'order of the test pipeline (BGR for LoadImageFromFile); '
                'the normalisation of the data preprocessor is in the graph')


class LogitsModel(nn.Module):
    """What :meth:`mmseg.models.EncoderDecoder.predict` runs before its
    post-processing: the data preprocessor's channel flip and
    normalisation, backbone (and neck), decode head, and the bilinear
    resize of the logits to the input's size. Test-time padding and the
    resize to the original image size stay outside, in mmseg's pipeline.

    Args:
        segmentor (EncoderDecoder): With ``test_cfg.mode`` 'whole'.
    """

    def __init__(self, segmentor: nn.Module) -> None:
        super().__init__()
        if type(segmentor) is not EncoderDecoder:
            raise ValueError('export supports mmseg EncoderDecoder models, '
                             f'got {type(segmentor).__name__}')
        mode = (segmentor.test_cfg or {}).get('mode', 'whole')
        if mode != 'whole':
            raise ValueError(f"export needs model.test_cfg.mode='whole', got "
                             f'{mode!r}: sliding windows are not exported')
        preprocessor = segmentor.data_preprocessor
        self.backbone = segmentor.backbone
        self.neck = segmentor.neck if segmentor.with_neck else nn.Identity()
        self.decode_head = segmentor.decode_head
        self.align_corners = segmentor.align_corners
        self.bgr_to_rgb = bool(preprocessor.channel_conversion)
        self.normalize = bool(preprocessor._enable_normalize)
        if self.normalize:
            self.register_buffer('mean', preprocessor.mean.clone())
            self.register_buffer('std', preprocessor.std.clone())

    def forward(self, inputs: Tensor) -> Tensor:
        """Logits (N, out_channels, H, W) of pixels (:data:`INPUT_FORMAT`).
        """
        x = inputs
        if self.bgr_to_rgb and x.shape[1] == 3:
            x = x[:, [2, 1, 0]]
        if self.normalize:
            x = (x - self.mean) / self.std
        logits = self.decode_head(self.neck(self.backbone(x)))
        return resize(
            logits,
            size=inputs.shape[2:],
            mode='bilinear',
            align_corners=self.align_corners)


def optimized_module(segmentor: nn.Module) -> nn.Module:
    """The fast PyTorch path, in eval mode: :class:`LogitsModel` of a copy
    of the segmentor with conv+BN folded
    (:func:`~linknet_mm.models.utils.fused_copy`) and channels-last weights;
    feed it channels-last inputs under ``torch.inference_mode``."""
    return LogitsModel(
        fused_copy(segmentor)).eval().to(memory_format=torch.channels_last)


def in_channels_of(segmentor: nn.Module) -> int:
    """Channels of the images the segmentor takes (its first conv's)."""
    conv = next(m for m in segmentor.backbone.modules()
                if isinstance(m, nn.Conv2d))
    return conv.in_channels
