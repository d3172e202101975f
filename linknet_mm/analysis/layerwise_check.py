"""Each converted layer against TFLite's, fed TFLite's own activations.

A fully integer TFLite model rounds every activation to an int8 grid, and
over 50 layers the rounding of near-ties (fixed-point arithmetic against
float) drifts apart from any float model; at the output, that drift flips
the top-1 class of images the classifier hesitates on. To tell that drift
from a conversion error, each converted ``ConvModule`` of the backbone is
run on the very activation TFLite fed the same layer, its output rounded
to the same grid, and compared with TFLite's output in grid steps. A
correct conversion lands within one step on (nearly) every value; a wrong
layout, bias, BatchNorm or padding is off by many steps wherever it acts.
"""
from contextlib import contextmanager
from typing import Dict, Iterator, List, Tuple

import numpy as np
import torch
import torch.nn as nn

from ..models.converters import (TfliteConv, backbone_convs,
                                 read_tflite_convs)
from .tflite_reference import tflite_activations

#: Share of each layer's values that must be within one grid step of
#: TFLite's for the layer to count as reproduced.
MIN_WITHIN_ONE_STEP = 0.999


def fake_quantize(values: torch.Tensor, scale: float, zero_point: int,
                  limits: Tuple[int, int]) -> torch.Tensor:
    """Round ``values`` to the grid ``scale * (q - zero_point)``.

    Args:
        values (torch.Tensor): Float activations.
        scale (float): The grid step.
        zero_point (int): The integer that stands for 0.
        limits (Tuple[int, int]): The range of ``q`` (e.g. -128, 127).

    Returns:
        torch.Tensor: The values on the grid, clipped to its range.
    """
    quantized = torch.clamp(
        torch.round(values / scale) + zero_point, *limits)
    return (quantized - zero_point) * scale


@contextmanager
def file_geometry(module: nn.Module, conv: TfliteConv) -> Iterator[None]:
    """Run a converted ``ConvModule`` with the stride and dilation of the
    file's convolution (DeepLab's output stride 16), then restore it.

    Args:
        module (nn.Module): The converted ``ConvModule``.
        conv (TfliteConv): The file's convolution it came from.
    """
    layer = module.conv
    saved = layer.stride, layer.dilation, layer.padding
    if (conv.stride, conv.dilation) != (layer.stride[0], layer.dilation[0]):
        pad = conv.dilation * (layer.kernel_size[0] // 2)
        layer.stride, layer.dilation = (conv.stride, ) * 2, (
            conv.dilation, ) * 2
        layer.padding = (pad, pad)
    try:
        yield
    finally:
        layer.stride, layer.dilation, layer.padding = saved


def layerwise_steps(tflite_path: str, backbone: nn.Module,
                    pictures: List[np.ndarray]) -> Dict[str, object]:
    """Compare every backbone layer with TFLite's, on TFLite's inputs.

    Args:
        tflite_path (str): The fully integer ``.tflite`` file.
        backbone (nn.Module): The converted mmseg ``MobileNetV2`` (padding
            as it should be compared); each layer runs with the file's
            stride and dilation (:func:`file_geometry`).
        pictures (List[np.ndarray]): uint8 RGB images of the file's input
            size.

    Returns:
        Dict[str, object]: ``layers`` (prefix -> share of values within
        one grid step, and the largest difference in steps), ``worst``
        (the prefix of the layer with the smallest share) and
        ``min_within_one_step``.
    """
    targets = backbone_convs(backbone)
    convs = read_tflite_convs(tflite_path)[:len(targets)]
    indices = sorted({index for conv in convs for index in conv.tensors})
    within = np.zeros(len(targets))
    total = np.zeros(len(targets))
    worst_steps = np.zeros(len(targets))
    for found in tflite_activations(tflite_path, pictures, indices):
        for layer, ((_, module), conv) in enumerate(zip(targets, convs)):
            source = found[conv.tensors[0]][0]
            reference, step, zero_point, limits = found[conv.tensors[1]]
            inputs = torch.from_numpy(source).permute(0, 3, 1, 2)
            with torch.no_grad(), file_geometry(module, conv):
                ours = module(inputs).permute(0, 2, 3, 1).numpy()
            if step:
                ours = fake_quantize(
                    torch.from_numpy(ours), step, zero_point, limits).numpy()
            steps = np.abs(ours - reference) / (step or 1.0)
            within[layer] += np.count_nonzero(steps <= 1.0 + 1e-3)
            total[layer] += steps.size
            worst_steps[layer] = max(worst_steps[layer], float(steps.max()))
    shares = within / np.maximum(total, 1)
    layers = {
        prefix: dict(within_one_step=float(share), max_steps=float(steps))
        for (prefix, _), share, steps in zip(targets, shares, worst_steps)
    }
    worst = int(np.argmin(shares))
    return dict(
        layers=layers,
        worst=targets[worst][0],
        min_within_one_step=float(shares[worst]))
