"""Convert a TensorFlow MobileNetV2 (.tflite) to an mmseg checkpoint.

The ImageNet classifier (``tf2_mobilenet_v2_1.0_224_ptq.tflite``, int8
per output channel) or DeepLabV3's COCO/VOC encoder
(``deeplabv3_mnv2_pascal_quant.tflite``, uint8 per tensor). TF's layers
are mmseg's ``MobileNetV2(widen_factor=1.0)``'s, in order; those after
them (head and classifier, DeepLab's ASPP) are left out. DeepLab's output
stride 16 becomes 32 (stride put back, dilation dropped: same kernels).
Each folded bias becomes the ``ConvModule``'s BatchNorm (weight 1, bias
the folded bias, mean 0, variance ``1 - eps``): in eval mode a block
computes what TFLite's computes. The weights expect ``mean=[127.5] * 3,
std=[127.5] * 3, bgr_to_rgb=True``. Needs the ``[tflite]`` extra.
"""
import argparse
import os
import os.path as osp
import sys
import tempfile
from typing import Dict, List, Tuple

import numpy as np
import torch
from mmcv.cnn import ConvModule
from mmseg.models.backbones import MobileNetV2
from torch import Tensor
from tflite_reader import TfliteConv, read_tflite_convs

from linknet_mm.errors import LinkNetError, WeightConversionError, error_line
from linknet_mm.utils.files import file_sha256

#: mmseg's BatchNorm epsilon (``nn.BatchNorm2d``'s default).
BN_EPS = 1e-5


def ohwi_to_oihw(weight: np.ndarray) -> np.ndarray:
    """TF weights ``[out, kh, kw, in]`` to PyTorch's ``OIHW`` (contiguous).
    """
    return np.ascontiguousarray(weight.transpose(0, 3, 1, 2))


def depthwise_to_oihw(weight: np.ndarray) -> np.ndarray:
    """TF depthwise weights ``[1, kh, kw, C]`` to PyTorch's ``[C, 1, kh, kw]``.
    """
    if weight.shape[0] != 1:
        raise WeightConversionError(
            f'depthwise weights of shape {list(weight.shape)}; expected '
            '[1, kh, kw, C] (depth multiplier 1)')
    return np.ascontiguousarray(weight.transpose(3, 0, 1, 2))


def folded_bias_to_bn(bias: np.ndarray,
                      eps: float = BN_EPS) -> Dict[str, Tensor]:
    """The state of a BatchNorm (epsilon ``eps``) that, in eval mode, only
    adds ``bias`` (the folded bias, one per channel)."""
    channels = bias.shape[0]
    return dict(
        weight=torch.ones(channels),
        bias=torch.from_numpy(bias.astype(np.float32)),
        running_mean=torch.zeros(channels),
        running_var=torch.full((channels, ), 1.0 - eps),
        num_batches_tracked=torch.tensor(0))


def backbone_convs(backbone: MobileNetV2) -> List[Tuple[str, ConvModule]]:
    """``(state-dict prefix, ConvModule)`` of mmseg's ``MobileNetV2``, in
    execution order."""
    convs = [('conv1', backbone.conv1)]
    for layer_name in backbone.layers:
        for index, block in enumerate(getattr(backbone, layer_name)):
            convs += [(f'{layer_name}.{index}.conv.{step}', module)
                      for step, module in enumerate(block.conv)]
    return convs


def _check_fits(prefix: str, module: ConvModule, conv: TfliteConv,
                weight: np.ndarray) -> str:
    """Raise unless the file's convolution fits the backbone's.

    Returns:
        str: ``''`` for the same geometry, ``'stride'`` for a stride-2
        convolution the file ran at stride 1, ``'dilation'`` for a
        stride-1 convolution it dilated.
    """
    expected = tuple(module.conv.weight.shape)
    activation = 'RELU6' if module.with_activation else 'NONE'
    stride = module.conv.stride[0]
    change = {(stride, 1, stride): '', (1, 1, 2): 'stride'}.get(
        (conv.stride, conv.dilation, stride),
        'dilation' if conv.stride == stride == 1 and conv.dilation > 1
        else 'other')
    if (weight.shape, conv.activation) != (expected, activation) or \
            change == 'other':
        raise WeightConversionError(
            f'TFLite convolution {conv.name!r} (weights {list(weight.shape)}'
            f', stride {conv.stride}, dilation {conv.dilation}, '
            f'{conv.activation}) does not fit {prefix} of mmseg MobileNetV2 '
            f'(weights {list(expected)}, stride {stride}, {activation}); '
            'expected a width-1.0 MobileNetV2')
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
        backbone; and the backbone's prefixes whose geometry was changed,
        under ``'stride'`` (stride 2 put back) and ``'dilation'``
        (dilation dropped).

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
        weight = (depthwise_to_oihw(conv.weight)
                  if conv.depthwise else ohwi_to_oihw(conv.weight))
        change = _check_fits(prefix, module, conv, weight)
        if change:
            changed[change].append(prefix)
        state_dict[f'{prefix}.conv.weight'] = torch.from_numpy(weight)
        state_dict.update({f'{prefix}.bn.{key}': value for key, value in
                           folded_bias_to_bn(conv.bias, eps).items()})
    return state_dict, convs[len(targets):], changed


def convert_mobilenetv2_tflite(src: str, dst: str) -> Dict[str, object]:
    """Write a checkpoint of mmseg's ``MobileNetV2`` from a TFLite file.

    The file appears whole or not at all (written next to ``dst``, then
    renamed). Its ``meta`` names the source file, its SHA-256 and the
    input normalisation the weights expect.

    Returns:
        Dict[str, object]: ``tensors``, ``parameters`` (of the backbone),
        ``left_out`` (the names of the convolutions after it) and
        ``changed`` (see :func:`mobilenetv2_from_tflite`).
    """
    state_dict, rest, changed = mobilenetv2_from_tflite(
        read_tflite_convs(src))
    meta = dict(
        source=osp.basename(src), source_sha256=file_sha256(src),
        converted_by='tools/model_converters/mobilenetv2_tflite2mmseg.py',
        input='RGB / 127.5 - 1: mean=[127.5] * 3, std=[127.5] * 3, '
        'bgr_to_rgb=True', changed=changed)
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
    return dict(tensors=len(state_dict), parameters=parameters,
                left_out=[conv.name for conv in rest], changed=changed)


def main() -> None:
    """Convert and say what was written."""
    parser = argparse.ArgumentParser(
        description='Convert TensorFlow MobileNetV2 TFLite weights to an '
        'mmseg MobileNetV2 checkpoint')
    parser.add_argument('src', help='the .tflite file')
    parser.add_argument('dst', help='the checkpoint to write (.pth)')
    args = parser.parse_args()
    summary = convert_mobilenetv2_tflite(args.src, args.dst)
    print(f'{args.dst}: {summary["tensors"]} tensors, '
          f'{summary["parameters"]:,} backbone parameters; left out (not '
          f'part of the backbone): {", ".join(summary["left_out"])}')
    for change, what in (('stride', 'stride 2 put back (the file ran them '
                          'at stride 1)'), ('dilation', 'dilation dropped')):
        if summary['changed'][change]:
            print(f'{what}: {", ".join(summary["changed"][change])}')


if __name__ == '__main__':
    try:
        main()
    except (LinkNetError, FileNotFoundError, ImportError) as error:
        sys.exit(f'error: {error_line(error)}')
