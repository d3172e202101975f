"""LinkNet decode head."""
from typing import Sequence

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from torch import Tensor

from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.models.utils import resize
from mmseg.registry import MODELS
from mmseg.utils import SampleList
from .linknet_block import FullConvModule, LinkNetDecoderBlock


@MODELS.register_module()
class LinkNetHead(BaseDecodeHead):
    """LinkNet decoder: `LinkNet: Exploiting Encoder Representations for
    Efficient Semantic Segmentation <https://arxiv.org/abs/1707.03718>`_.

    One :class:`LinkNetDecoderBlock` per backbone stage, deepest first; the
    output of each is **added** to the feature map of the next shallower
    stage (three shortcut links for a four-stage backbone). The block of the
    shallowest stage does not up-sample: the backbone stem already reduced
    the input by 4. The paper's classifier then up-samples by 4 with learned
    full convolutions: 3x3 full conv x2 (-> ``channels``), 3x3 conv, 2x2
    full conv x2 to the classes (``conv_seg``).

    Decoder outputs are aligned to the size of their skip, so any input
    size works (odd ones included); like every mmseg head, the logits are
    resized to the input image size by :meth:`predict_by_feat` and
    :meth:`loss_by_feat`. :meth:`loss_by_feat` gives mmseg's losses and
    ``acc_seg`` with two savings measured in training (docs/en/
    benchmarks.md): no interpolation when the logits already have the
    label's size (the learned classifier's usual case), and top-1 accuracy
    by ``argmax`` instead of ``topk``.

    Args:
        reduction (int): Bottleneck ratio of the decoder blocks
            (m -> m / reduction). Defaults to 4.
        learned_upsample (bool): Use the paper's learned x4 up-sampling
            classifier. If False, a 3x3 conv to ``channels`` and mmseg's
            usual 1x1 ``conv_seg`` run at the shallowest stage's resolution
            and the logits are up-sampled bilinearly. Defaults to True.
        **kwargs: Arguments of :class:`BaseDecodeHead`. ``in_channels`` and
            ``in_index`` list the backbone stages, shallow to deep (at least
            two); ``channels`` is the width of the final block (the paper's
            32); ``dropout_ratio`` applies dropout before ``conv_seg``.
    """

    def __init__(self,
                 reduction: int = 4,
                 learned_upsample: bool = True,
                 **kwargs) -> None:
        _check_config(kwargs, reduction)
        super().__init__(input_transform='multiple_select', **kwargs)
        ins = list(self.in_channels)
        self.learned_upsample = learned_upsample
        common = dict(
            conv_cfg=self.conv_cfg,
            norm_cfg=self.norm_cfg,
            act_cfg=self.act_cfg)
        # deepest stage first: stage i decodes into the width of stage i - 1
        self.decoders = nn.ModuleList(
            LinkNetDecoderBlock(
                ins[i],
                ins[max(i - 1, 0)],
                reduction,
                stride=2 if i > 0 else 1,
                **common) for i in reversed(range(len(ins))))
        if learned_upsample:
            self.final_up = FullConvModule(
                ins[0],
                self.channels,
                3,
                2,
                norm_cfg=self.norm_cfg,
                act_cfg=self.act_cfg)
            self.final_conv = ConvModule(
                self.channels, self.channels, 3, padding=1, **common)
            self.conv_seg = nn.ConvTranspose2d(
                self.channels, self.out_channels, 2, stride=2)
        else:
            self.final_up = nn.Identity()
            self.final_conv = ConvModule(
                ins[0], self.channels, 3, padding=1, **common)

    def forward(self, inputs: Sequence[Tensor]) -> Tensor:
        """Decode backbone features into logits.

        Args:
            inputs (Sequence[Tensor]): Backbone outputs; those picked by
                ``in_index`` have ``in_channels`` channels, shallow to deep,
                each stage half the size of the previous one (rounded up).

        Returns:
            Tensor: Logits of shape (N, out_channels, 4 * H1, 4 * W1) for
            the learned classifier, (N, out_channels, H1, W1) otherwise,
            where H1 x W1 is the size of the shallowest selected stage.
        """
        feats = self._transform_inputs(self._check_inputs(inputs))
        x = feats[-1]
        for block, skip in zip(self.decoders[:-1], feats[-2::-1]):
            x = block(x, skip.shape[2:]) + skip
        x = self.decoders[-1](x)
        x = self.final_conv(self.final_up(x))
        return self.cls_seg(x)

    def loss_by_feat(self, seg_logits: Tensor,
                     batch_data_samples: SampleList) -> dict:
        """mmseg's segmentation losses and ``acc_seg``, computed faster.

        The same values as :meth:`BaseDecodeHead.loss_by_feat` (bilinear
        resizing to an equal size is the identity; ``argmax`` is top-1).

        Args:
            seg_logits (Tensor): Logits of shape (N, C, h, w).
            batch_data_samples (list[:obj:`SegDataSample`]): With
                ``gt_sem_seg``.

        Returns:
            dict[str, Tensor]: One entry per loss name, and ``acc_seg``.
        """
        seg_label = self._stack_batch_gt(batch_data_samples)
        if seg_logits.shape[2:] != seg_label.shape[2:]:
            seg_logits = resize(
                seg_logits,
                size=seg_label.shape[2:],
                mode='bilinear',
                align_corners=self.align_corners)
        seg_weight = None if self.sampler is None else self.sampler.sample(
            seg_logits, seg_label)
        seg_label = seg_label.squeeze(1)
        losses = {}
        losses_decode = self.loss_decode if isinstance(
            self.loss_decode, nn.ModuleList) else [self.loss_decode]
        for loss_decode in losses_decode:
            value = loss_decode(
                seg_logits,
                seg_label,
                weight=seg_weight,
                ignore_index=self.ignore_index)
            name = loss_decode.loss_name
            losses[name] = losses[name] + value if name in losses else value
        losses['acc_seg'] = _top1_accuracy(seg_logits, seg_label,
                                           self.ignore_index)
        return losses

    def _check_inputs(self, inputs: Sequence[Tensor]) -> Sequence[Tensor]:
        """Raise a clear error when the backbone does not fit the head.

        Args:
            inputs (Sequence[Tensor]): Backbone outputs.

        Returns:
            Sequence[Tensor]: ``inputs`` unchanged.
        """
        if max(self.in_index) >= len(inputs):
            raise ValueError(
                f'LinkNetHead: the backbone gave {len(inputs)} feature maps '
                f'but decode_head.in_index={list(self.in_index)} expects at '
                f'least {max(self.in_index) + 1}; set the backbone\'s '
                'out_indices or the head\'s in_index to match')
        got = [inputs[i].shape[1] for i in self.in_index]
        if got != list(self.in_channels):
            raise ValueError(
                f'LinkNetHead: decode_head.in_channels='
                f'{list(self.in_channels)} but the backbone\'s selected '
                f'feature maps have {got} channels; set in_channels to {got}')
        return inputs


def _top1_accuracy(logits: Tensor, label: Tensor, ignore_index: int) -> Tensor:
    """Share of labelled pixels whose argmax is their label, in percent.

    mmseg's ``accuracy(topk=1)``, its ``eps`` included (100 when no pixel
    is labelled); ``argmax`` over the classes is several times faster than
    ``topk`` on (N, C, H, W) logits.

    Args:
        logits (Tensor): Shape (N, C, H, W).
        label (Tensor): Shape (N, H, W).
        ignore_index (int): Label value that does not count.

    Returns:
        Tensor: A 1-element float tensor, 0-100.
    """
    eps = torch.finfo(torch.float32).eps
    with torch.no_grad():
        valid = label != ignore_index
        correct = ((logits.argmax(1) == label) & valid).sum().float()
        return ((correct + eps) * 100.0 / (valid.sum() + eps)).reshape(1)


def _check_config(kwargs: dict, reduction: int) -> None:
    """Validate the head's settings before anything is built.

    Args:
        kwargs (dict): Arguments meant for :class:`BaseDecodeHead`.
        reduction (int): Bottleneck ratio.
    """
    num_classes = kwargs.get('num_classes')
    if not isinstance(num_classes, int) or num_classes < 1:
        raise ValueError('LinkNetHead: decode_head.num_classes must be an '
                         f'integer >= 1, got {num_classes!r}')
    in_channels = kwargs.get('in_channels')
    in_index = kwargs.get('in_index', -1)
    if (not isinstance(in_channels, (list, tuple)) or len(in_channels) < 2
            or not all(isinstance(c, int) and c > 0 for c in in_channels)):
        raise ValueError(
            'LinkNetHead: decode_head.in_channels must list the positive '
            'channel counts of at least two backbone stages, shallow to '
            f'deep, e.g. [64, 128, 256, 512]; got {in_channels!r}')
    if not isinstance(in_index, (list, tuple)) or \
            len(in_index) != len(in_channels):
        raise ValueError(
            'LinkNetHead: decode_head.in_index must list one backbone '
            f'output per entry of in_channels={list(in_channels)}, e.g. '
            f'{list(range(len(in_channels)))}; got {in_index!r}')
    if not isinstance(reduction, int) or reduction < 1:
        raise ValueError('LinkNetHead: decode_head.reduction must be an '
                         f'integer >= 1, got {reduction!r}')
