"""TFLite's own interpreter as the reference for converted weights.

LiteRT (``ai-edge-litert``, or the older ``tflite-runtime``) runs the file
as TF runs it (its own input quantisation, its own kernels);
:func:`tflite_activations` reads any of its tensors back. A fully integer
model rounds every activation to an int8 grid, and over 50 layers the
rounding of near-ties drifts apart from any float model. To tell that
drift from a conversion error, :func:`layerwise_steps` runs each converted
``ConvModule`` on the very activation TFLite fed the same layer, rounds
its output to the same grid and counts grid steps to TFLite's output: a
correct conversion lands within one step on (nearly) every value; a wrong
layout, bias, BatchNorm or padding is off by many wherever it acts.
"""
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List, Tuple

import numpy as np
import torch
import torch.nn as nn
from mmcv.cnn.bricks.conv2d_adaptive_padding import Conv2dAdaptivePadding
from mobilenetv2_tflite2mmseg import backbone_convs
from tflite_reader import TfliteConv, read_tflite_convs

#: Real values, grid step (0 for float), zero point and integer range.
Activation = Tuple[np.ndarray, float, int, Tuple[int, int]]
#: Share of a layer's values within one grid step of TFLite's for the
#: layer to count as reproduced.
MIN_WITHIN_ONE_STEP = 0.999


def interpreter(path: str) -> Any:
    """A LiteRT interpreter of ``path`` that keeps every tensor."""
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        try:
            from tflite_runtime.interpreter import Interpreter
        except ImportError:
            raise ImportError(
                'running a .tflite file needs LiteRT: pip install '
                "'ai-edge-litert==2.3.0' (or tflite-runtime)") from None
    found = Interpreter(model_path=path,
                        experimental_preserve_all_tensors=True)
    found.allocate_tensors()
    return found


def tflite_inputs(source: Dict[str, Any],
                  images: List[np.ndarray]) -> List[np.ndarray]:
    """RGB images as a TFLite MobileNet is fed them: ``x / 127.5 - 1``,
    quantized (rounded half away from zero, as TFLite's QUANTIZE) when the
    input tensor ``source`` (its details) takes integers."""
    scale, zero_point = source['quantization']
    inputs = []
    for image in images:
        value = image.astype(np.float32) / 127.5 - 1.0
        if scale:
            limits = np.iinfo(source['dtype'])
            steps = value / scale + zero_point
            value = np.clip(np.sign(steps) * np.floor(np.abs(steps) + 0.5),
                            limits.min, limits.max)
        inputs.append(value.astype(source['dtype']))
    return inputs


def tflite_activations(path: str, images: List[np.ndarray],
                       indices: List[int]) -> Iterator[Dict[int, Activation]]:
    """Activations TFLite computes for each image, read tensor by tensor.

    Args:
        path (str): The ``.tflite`` file.
        images (List[np.ndarray]): uint8 RGB images of its input size.
        indices (List[int]): Graph indices of the tensors to read.

    Yields:
        Dict[int, Activation]: For one image at a time, index ->
        (de-quantized values, ``N x H x W x C``; grid step; zero point;
        integer range).
    """
    runner = interpreter(path)
    source = runner.get_input_details()[0]
    grids = {d['index']: d['quantization']
             for d in runner.get_tensor_details()}
    for value in tflite_inputs(source, images):
        runner.set_tensor(source['index'], value[None])
        runner.invoke()
        found = {}
        for index in indices:
            scale, zero_point = grids[index]
            raw = runner.get_tensor(index)
            limits = (np.iinfo(raw.dtype).min, np.iinfo(raw.dtype).max) \
                if np.issubdtype(raw.dtype, np.integer) else (0, 0)
            values = raw.astype(np.float32)
            found[index] = ((values - zero_point) * scale if scale else values,
                            float(scale), int(zero_point), limits)
        yield found


def fake_quantize(values: torch.Tensor, scale: float, zero_point: int,
                  limits: Tuple[int, int]) -> torch.Tensor:
    """Round ``values`` to the grid ``scale * (q - zero_point)``, ``q``
    clipped to ``limits``."""
    quantized = torch.clamp(torch.round(values / scale) + zero_point,
                            *limits)
    return (quantized - zero_point) * scale


@contextmanager
def file_geometry(module: nn.Module, conv: TfliteConv) -> Iterator[None]:
    """Run a converted ``ConvModule`` with the stride and dilation of the
    file's convolution (DeepLab's output stride 16), then restore them."""
    layer = module.conv
    saved = layer.stride, layer.dilation, layer.padding
    if (conv.stride, conv.dilation) != (layer.stride[0], layer.dilation[0]):
        layer.stride, layer.dilation = (conv.stride, ) * 2, (
            conv.dilation, ) * 2
        if not isinstance(layer, Conv2dAdaptivePadding):  # it pads itself
            pad = conv.dilation * (layer.kernel_size[0] // 2)
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
        backbone (nn.Module): The converted mmseg ``MobileNetV2`` (padded
            as it should be compared); each layer runs in the file's
            stride and dilation (:func:`file_geometry`).
        pictures (List[np.ndarray]): uint8 RGB images of the file's input
            size.

    Returns:
        Dict[str, object]: ``layers`` (prefix -> ``within_one_step``, the
        share of values within one grid step, and ``max_steps``),
        ``worst`` (the prefix of the smallest share) and
        ``min_within_one_step``.
    """
    targets = backbone_convs(backbone)
    convs = read_tflite_convs(tflite_path)[:len(targets)]
    indices = sorted({index for conv in convs for index in conv.tensors})
    within, total, worst_steps = np.zeros((3, len(targets)))
    for found in tflite_activations(tflite_path, pictures, indices):
        for layer, ((_, module), conv) in enumerate(zip(targets, convs)):
            reference, step, zero_point, limits = found[conv.tensors[1]]
            inputs = torch.from_numpy(found[conv.tensors[0]][0])
            with torch.no_grad(), file_geometry(module, conv):
                ours = module(inputs.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)
            if step:
                ours = fake_quantize(ours, step, zero_point, limits)
            steps = np.abs(ours.numpy() - reference) / (step or 1.0)
            within[layer] += np.count_nonzero(steps <= 1.0 + 1e-3)
            total[layer] += steps.size
            worst_steps[layer] = max(worst_steps[layer], float(steps.max()))
    shares = within / np.maximum(total, 1)
    worst = int(np.argmin(shares))
    return dict(
        layers={prefix: dict(within_one_step=float(share),
                             max_steps=float(steps))
                for (prefix, _), share, steps in
                zip(targets, shares, worst_steps)},
        worst=targets[worst][0],
        min_within_one_step=float(shares[worst]))
