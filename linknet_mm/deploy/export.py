"""Export a segmentor's :class:`~.logits_model.LogitsModel` to ONNX and
TorchScript."""
import json
import warnings
from typing import Tuple

import onnx
import torch
import torch.nn as nn

from .logits_model import INPUT_FORMAT, LogitsModel, in_channels_of

HW = Tuple[int, int]
#: Names of the exported graph's input and output.
INPUT_NAME, OUTPUT_NAME = 'input', 'logits'
#: Key of the ONNX metadata entry written by :func:`export_onnx`.
METADATA_KEY = 'linknet_mm'


def export_onnx(segmentor: nn.Module,
                out_file: str,
                opset: int = 18,
                example_hw: HW = (256, 256)) -> None:
    """Export :class:`LogitsModel` to ONNX with dynamic N, H and W.

    Uses the ``torch.export``-based exporter (``dynamo=True``, the default
    of torch >= 2.9, needs ``onnxscript``): batch, height and width are
    symbolic (``Dim``), so the crops that align the decoder with odd skip
    sizes and the final resize follow the input at run time. The weights
    are stored in the file itself; its metadata (key
    :data:`METADATA_KEY`) records the input format, channels and classes.

    Args:
        segmentor (nn.Module): Segmentor in eval mode.
        out_file (str): ONNX file to write.
        opset (int): ONNX opset, >= 17. Defaults to 18.
        example_hw (tuple[int, int]): Height and width of the example
            input that is traced. Defaults to (256, 256).
    """
    if opset < 17:
        raise ValueError(f'--opset must be >= 17, got {opset}')
    wrapper = LogitsModel(segmentor).eval()
    channels = in_channels_of(segmentor)
    example = torch.rand(1, channels, *example_hw) * 255
    dims = dict(
        batch=torch.export.Dim('batch', min=1, max=1024),
        height=torch.export.Dim('height', min=32, max=8192),
        width=torch.export.Dim('width', min=32, max=8192))
    with torch.no_grad():
        torch.onnx.export(
            wrapper, (example, ),
            out_file,
            input_names=[INPUT_NAME],
            output_names=[OUTPUT_NAME],
            opset_version=opset,
            dynamo=True,
            external_data=False,
            dynamic_shapes={
                'inputs': {
                    0: dims['batch'],
                    2: dims['height'],
                    3: dims['width']
                }
            })
    model = onnx.load(out_file)
    entry = model.metadata_props.add()
    entry.key = METADATA_KEY
    entry.value = json.dumps(
        dict(
            input=INPUT_FORMAT,
            in_channels=channels,
            num_classes=segmentor.decode_head.num_classes,
            out_channels=segmentor.decode_head.out_channels))
    onnx.save(model, out_file)


def export_torchscript(segmentor: nn.Module,
                       out_file: str,
                       example_hw: HW = (256, 256)) -> None:
    """Trace :class:`LogitsModel` with ``torch.jit.trace`` and save it.

    Tracing records the sizes used by the crops and the final resize as
    ``aten::size`` reads of the input, so the module takes any batch, height
    and width (:func:`~.parity.check_export` verifies it on other sizes).
    torch 2.13 deprecates TorchScript in favour of ``torch.export``; the
    warning is silenced here, the format still loads with
    ``torch.jit.load`` and in libtorch.

    Args:
        segmentor (nn.Module): Segmentor in eval mode.
        out_file (str): File to write.
        example_hw (tuple[int, int]): Size of the traced example. Defaults
            to (256, 256).
    """
    wrapper = LogitsModel(segmentor).eval()
    example = torch.rand(1, in_channels_of(segmentor), *example_hw) * 255
    with torch.no_grad(), warnings.catch_warnings():
        warnings.filterwarnings('ignore', category=DeprecationWarning)
        warnings.filterwarnings('ignore', category=torch.jit.TracerWarning)
        traced = torch.jit.trace(wrapper, example)
    traced.save(out_file)


def onnx_metadata(model: onnx.ModelProto) -> dict:
    """The :data:`METADATA_KEY` entry written by :func:`export_onnx`.

    Args:
        model (onnx.ModelProto): Loaded ONNX model.

    Returns:
        dict: The entry, empty for files exported otherwise.
    """
    for entry in model.metadata_props:
        if entry.key == METADATA_KEY:
            return json.loads(entry.value)
    return {}
