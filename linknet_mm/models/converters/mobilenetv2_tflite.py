"""TFLite MobileNetV2 to a checkpoint of mmseg's ``MobileNetV2``.

TensorFlow's MobileNetV2 has the layers of mmseg's ``MobileNetV2``
(``widen_factor=1.0``) in the same order: the stem, then for each of the
17 inverted-residual blocks an optional 1x1 expansion, a 3x3 depthwise and
a 1x1 projection convolution. After the backbone come the layers of the
network it was trained in, which the backbone does not have: the
1280-channel head convolution and classifier of the ImageNet classifier,
or DeepLabV3's ASPP and logits (:func:`mobilenetv2_from_tflite` returns
them apart).

Both kinds of file convert: int8 weights per output channel (TF2 Keras,
ImageNet) and uint8 weights per tensor with zero points (TF1 DeepLabV3,
COCO then PASCAL VOC). DeepLab runs its encoder at output stride 16: the
stride-2 depthwise convolution of block 13 has stride 1 and the depthwise
convolutions after it are dilated (rate 2) instead. The checkpoint is for
mmseg's backbone at output stride 32, the one LinkNet's decoder needs:
the stride is put back and the dilation dropped (the kernels are the same;
:func:`mobilenetv2_from_tflite` lists where).

TFLite folds each BatchNorm into the convolution before it. The folded
bias becomes the BatchNorm of mmseg's ``ConvModule`` (weight 1, bias the
folded bias, running mean 0, running variance ``1 - eps``), so that in
eval mode the converted block computes what the TFLite block computes.
The network expects RGB scaled to [-1, 1] (``x / 127.5 - 1``).
"""
import os
import os.path as osp
import tempfile
from typing import Dict, List, Tuple

import numpy as np
import torch
from mmcv.cnn import ConvModule
from mmseg.models.backbones import MobileNetV2
from torch import Tensor

from ...errors import WeightConversionError
from ...utils.files import file_sha256
from .tflite_reader import TfliteConv, read_tflite_convs

#: mmseg's BatchNorm epsilon (``nn.BatchNorm2d``'s default).
BN_EPS = 1e-5


def ohwi_to_oihw(weight: np.ndarray) -> np.ndarray:
    """TF convolution weights ``[out, kh, kw, in]`` to PyTorch's layout.

    Args:
        weight (np.ndarray): ``OHWI`` weights.

    Returns:
        np.ndarray: ``OIHW`` weights (a contiguous copy).
    """
    return np.ascontiguousarray(weight.transpose(0, 3, 1, 2))


def depthwise_to_oihw(weight: np.ndarray) -> np.ndarray:
    """TF depthwise weights ``[1, kh, kw, C]`` to PyTorch's ``[C, 1, kh, kw]``.

    Args:
        weight (np.ndarray): Depthwise weights (depth multiplier 1).

    Returns:
        np.ndarray: Weights of a grouped convolution with ``groups=C``.
    """
    if weight.shape[0] != 1:
        raise WeightConversionError(
            f'depthwise weights of shape {list(weight.shape)}; expected '
            '[1, kh, kw, C] (depth multiplier 1)')
    return np.ascontiguousarray(weight.transpose(3, 0, 1, 2))


def folded_bias_to_bn(bias: np.ndarray,
                      eps: float = BN_EPS) -> Dict[str, Tensor]:
    """A BatchNorm state that, in eval mode, only adds ``bias``.

    Args:
        bias (np.ndarray): The folded bias, one per channel.
        eps (float): The BatchNorm's epsilon. Defaults to :data:`BN_EPS`.

    Returns:
        Dict[str, Tensor]: ``weight``, ``bias``, ``running_mean``,
        ``running_var`` and ``num_batches_tracked``.
    """
    channels = bias.shape[0]
    return dict(
        weight=torch.ones(channels),
        bias=torch.from_numpy(bias.astype(np.float32)),
        running_mean=torch.zeros(channels),
        running_var=torch.full((channels, ), 1.0 - eps),
        num_batches_tracked=torch.tensor(0))


def backbone_convs(backbone: MobileNetV2) -> List[Tuple[str, ConvModule]]:
    """The ``ConvModule``s of mmseg's ``MobileNetV2`` in execution order.

    Args:
        backbone (MobileNetV2): An mmseg ``MobileNetV2``.

    Returns:
        List[Tuple[str, ConvModule]]: ``(state-dict prefix, module)`` pairs.
    """
    convs = [('conv1', backbone.conv1)]
    for layer_name in backbone.layers:
        for index, block in enumerate(getattr(backbone, layer_name)):
            convs += [(f'{layer_name}.{index}.conv.{step}', module)
                      for step, module in enumerate(block.conv)]
    return convs


def _geometry_change(conv: TfliteConv, stride: int) -> str:
    """How the file's stride and dilation differ from the backbone's.

    Args:
        conv (TfliteConv): The file's convolution.
        stride (int): The backbone convolution's stride (dilation 1).

    Returns:
        str: ``''`` when they are the same, ``'stride'`` for a stride-2
        convolution run at stride 1 (an output stride below 32),
        ``'dilation'`` for a stride-1 convolution dilated to make up for
        it, ``'other'`` for anything else.
    """
    if (conv.stride, conv.dilation) == (stride, 1):
        return ''
    if (conv.stride, conv.dilation, stride) == (1, 1, 2):
        return 'stride'
    if conv.stride == stride == 1 and conv.dilation > 1:
        return 'dilation'
    return 'other'


def _check_fits(prefix: str, module: ConvModule, conv: TfliteConv,
                weight: np.ndarray) -> str:
    """Raise unless the file's convolution fits the backbone's.

    Returns:
        str: :func:`_geometry_change` of the two.
    """
    expected = tuple(module.conv.weight.shape)
    activation = 'RELU6' if module.with_activation else 'NONE'
    change = _geometry_change(conv, module.conv.stride[0])
    if (weight.shape, conv.activation) != (expected, activation) or \
            change == 'other':
        raise WeightConversionError(
            f'TFLite convolution {conv.name!r} (weights {list(weight.shape)}'
            f', stride {conv.stride}, dilation {conv.dilation}, '
            f'{conv.activation}) does not fit {prefix} of mmseg MobileNetV2 '
            f'(weights {list(expected)}, stride {module.conv.stride[0]}, '
            f'{activation}); expected a width-1.0 MobileNetV2')
    return change


def mobilenetv2_from_tflite(
    convs: List[TfliteConv],
    eps: float = BN_EPS
) -> Tuple[Dict[str, Tensor], List[TfliteConv], Dict[str, List[str]]]:
    """Map TFLite MobileNetV2 convolutions onto mmseg's ``MobileNetV2``.

    Args:
        convs (List[TfliteConv]): :func:`read_tflite_convs` of the file.
        eps (float): The backbone's BatchNorm epsilon.

    Returns:
        Tuple: A state dict that loads strictly into
        ``MobileNetV2(widen_factor=1.0)``; the convolutions after the
        backbone (the ImageNet head convolution and classifier, or
        DeepLab's ASPP and logits); and the backbone's prefixes whose
        geometry was changed, under ``'stride'`` (stride 2 put back) and
        ``'dilation'`` (dilation dropped).

    Raises:
        WeightConversionError: The file's layers are not those of a
            width-1.0 MobileNetV2.
    """
    targets = backbone_convs(MobileNetV2(widen_factor=1.0))
    if len(convs) < len(targets):
        raise WeightConversionError(
            f'{len(convs)} convolutions in the file; a MobileNetV2 backbone '
            f'has {len(targets)}')
    state_dict: Dict[str, Tensor] = {}
    changed: Dict[str, List[str]] = dict(stride=[], dilation=[])
    for (prefix, module), conv in zip(targets, convs):
        weight = (
            depthwise_to_oihw(conv.weight)
            if conv.depthwise else ohwi_to_oihw(conv.weight))
        change = _check_fits(prefix, module, conv, weight)
        if change:
            changed[change].append(prefix)
        state_dict[f'{prefix}.conv.weight'] = torch.from_numpy(weight)
        state_dict.update({
            f'{prefix}.bn.{key}': value
            for key, value in folded_bias_to_bn(conv.bias, eps).items()
        })
    return state_dict, convs[len(targets):], changed


def convert_mobilenetv2_tflite(src: str, dst: str) -> Dict[str, object]:
    """Write a checkpoint of mmseg's ``MobileNetV2`` from a TFLite file.

    The file appears whole or not at all (written next to ``dst``, then
    renamed). Its ``meta`` names the source file, its SHA-256 and the
    input normalisation the weights expect.

    Args:
        src (str): TensorFlow's MobileNetV2 (width 1.0) as ``.tflite``.
        dst (str): The checkpoint to write (``.pth``).

    Returns:
        Dict[str, object]: ``tensors``, ``parameters`` (of the backbone),
        ``left_out`` (the names of the convolutions after it) and
        ``changed`` (see :func:`mobilenetv2_from_tflite`).
    """
    state_dict, rest, changed = mobilenetv2_from_tflite(
        read_tflite_convs(src))
    meta = dict(
        source=osp.basename(src),
        source_sha256=file_sha256(src),
        converted_by='linknet_mm.models.converters.mobilenetv2_tflite',
        input='RGB / 127.5 - 1: mean=[127.5] * 3, std=[127.5] * 3, '
        'bgr_to_rgb=True',
        changed=changed)
    folder = osp.dirname(osp.abspath(dst))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(suffix='.part', dir=folder)
    os.close(handle)
    try:
        torch.save(dict(state_dict=state_dict, meta=meta), temporary)
        os.replace(temporary, dst)
    finally:
        if osp.exists(temporary):
            os.remove(temporary)
    parameters = sum(value.numel() for key, value in state_dict.items()
                     if key.endswith(('conv.weight', 'bn.weight', 'bn.bias')))
    return dict(
        tensors=len(state_dict),
        parameters=parameters,
        left_out=[conv.name for conv in rest],
        changed=changed)
