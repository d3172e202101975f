"""ONNX and TorchScript files of a segmentor's
:class:`~.logits_model.LogitsModel`, and their check against the segmentor.
"""
import json
import warnings
from typing import Callable, List, Sequence, Tuple

import onnx
import torch
import torch.nn as nn
from mmseg.structures import SegDataSample
from torch import Tensor

from .logits_model import INPUT_FORMAT, LogitsModel, in_channels_of

HW = Tuple[int, int]
#: Names of the exported graph's input and output.
INPUT_NAME, OUTPUT_NAME = 'input', 'logits'
#: Key of the ONNX metadata entry written by :func:`export_onnx`.
METADATA_KEY = 'linknet_mm'
#: Tolerances of :func:`check_export` (an fp32 export).
MAX_ABS_DIFF, MIN_EXPORT_AGREEMENT = 1e-4, 0.9999
#: Sizes the export tools check: typical, square, odd, and batch 2.
CHECK_SHAPES = ((1, 360, 640), (1, 256, 256), (1, 67, 93), (1, 255, 257),
                (2, 67, 93))


def export_onnx(segmentor: nn.Module,
                out_file: str,
                opset: int = 18,
                example_hw: HW = (256, 256)) -> None:
    """Export :class:`LogitsModel` of an eval-mode segmentor to ONNX.

    ``torch.onnx.export(dynamo=True)`` with symbolic N, H and W (the
    decoder's crops and the resize follow the input), traced at
    ``example_hw``, in ``opset`` >= 17; weights inside the file, and the
    input format, channels and classes in its metadata
    (:data:`METADATA_KEY`).
    """
    if opset < 17:
        raise ValueError(f'--opset must be >= 17, got {opset}')
    channels = in_channels_of(segmentor)
    example = torch.rand(1, channels, *example_hw) * 255
    dims = (torch.export.Dim('batch', min=1, max=1024),
            torch.export.Dim('height', min=32, max=8192),
            torch.export.Dim('width', min=32, max=8192))
    with torch.no_grad():
        torch.onnx.export(
            LogitsModel(segmentor).eval(), (example, ),
            out_file,
            input_names=[INPUT_NAME],
            output_names=[OUTPUT_NAME],
            opset_version=opset,
            dynamo=True,
            external_data=False,
            dynamic_shapes={'inputs': dict(zip((0, 2, 3), dims))})
    model = onnx.load(out_file)
    entry = model.metadata_props.add()
    entry.key, entry.value = METADATA_KEY, json.dumps(
        dict(
            input=INPUT_FORMAT,
            in_channels=channels,
            num_classes=segmentor.decode_head.num_classes,
            out_channels=segmentor.decode_head.out_channels))
    onnx.save(model, out_file)


def export_torchscript(segmentor: nn.Module,
                       out_file: str,
                       example_hw: HW = (256, 256)) -> None:
    """Trace :class:`LogitsModel` at ``example_hw`` and save it.

    Tracing records the crops' and the resize's sizes as reads of the
    input's, so the module takes any N, H and W (:func:`check_export`);
    torch 2.13's deprecation warning of TorchScript is silenced.
    """
    wrapper = LogitsModel(segmentor).eval()
    example = torch.rand(1, in_channels_of(segmentor), *example_hw) * 255
    with torch.no_grad(), warnings.catch_warnings():
        warnings.filterwarnings('ignore', category=DeprecationWarning)
        warnings.filterwarnings('ignore', category=torch.jit.TracerWarning)
        torch.jit.trace(wrapper, example).save(out_file)


def reference_logits(segmentor: nn.Module, inputs: Tensor) -> Tensor:
    """Logits of the segmentor's own mmseg path (data preprocessor, then
    ``EncoderDecoder.inference``) at the input size."""
    hw = tuple(inputs.shape[2:])
    samples = [
        SegDataSample(metainfo=dict(img_shape=hw, ori_shape=hw))
        for _ in range(inputs.shape[0])
    ]
    with torch.no_grad():
        data = segmentor.data_preprocessor(
            dict(inputs=list(inputs), data_samples=samples), False)
        return segmentor.inference(data['inputs'],
                                   [s.metainfo for s in samples])


def check_export(segmentor: nn.Module,
                 run: Callable[[Tensor], Tensor],
                 shapes: Sequence[Tuple[int, int, int]] = CHECK_SHAPES,
                 seed: int = 0) -> List[dict]:
    """Compare an export's logits (``run``) with the eager segmentor's on
    random images of each (N, H, W) of ``shapes``.

    Returns:
        list[dict]: Per shape: ``shape``, ``max_abs_diff``, ``agreement``
        (share of pixels of the same argmax) and ``ok`` (within
        :data:`MAX_ABS_DIFF` and :data:`MIN_EXPORT_AGREEMENT`).
    """
    generator = torch.Generator().manual_seed(seed)
    channels = in_channels_of(segmentor)
    rows = []
    for n, h, w in shapes:
        inputs = torch.rand(n, channels, h, w, generator=generator) * 255
        expected = reference_logits(segmentor, inputs)
        with torch.no_grad():
            got = run(inputs)
        if tuple(expected.shape) != tuple(got.shape):
            raise ValueError(f'exported model gave logits of shape '
                             f'{tuple(got.shape)}, expected '
                             f'{tuple(expected.shape)}')
        row = dict(
            shape=[n, channels, h, w],
            max_abs_diff=float((expected - got).abs().max()),
            agreement=float(
                (expected.argmax(1) == got.argmax(1)).float().mean()))
        row['ok'] = bool(row['max_abs_diff'] <= MAX_ABS_DIFF
                         and row['agreement'] >= MIN_EXPORT_AGREEMENT)
        rows.append(row)
    return rows
