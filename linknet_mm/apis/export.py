"""Export a segmentor to ONNX and TorchScript, and check the exports."""
import json
import logging
import os.path as osp
import warnings
from typing import Dict, List, Optional, Sequence, Tuple

import onnx
import torch
import torch.nn as nn
from mmengine.logging import print_log
from mmseg.models import EncoderDecoder
from mmseg.models.utils import resize
from mmseg.structures import SegDataSample
from torch import Tensor

from ..models.utils import fused_copy
from ..utils import load_tool_config
from .segmentor import init_segmentor

HW = Tuple[int, int]
#: Names of the exported graph's input and output.
INPUT_NAME, OUTPUT_NAME = 'input', 'logits'
#: Key of the ONNX metadata entry written by :func:`export_onnx`.
METADATA_KEY = 'linknet_mm'
#: What the exported graph takes, for its metadata and the docs.
INPUT_FORMAT = ('float32 (N, C, H, W) pixel values 0-255 in the channel '
                'order of the test pipeline (BGR for LoadImageFromFile); '
                'the normalisation of the data preprocessor is in the graph')
#: Tolerances of :func:`check_logits`.
MAX_ABS_DIFF, MIN_AGREEMENT = 1e-4, 0.9999
#: Sizes checked by the export tools: typical, square, odd, and batch 2.
CHECK_SHAPES = ((1, 360, 640), (1, 256, 256), (1, 67, 93), (1, 255, 257),
                (2, 67, 93))


class SegmentorLogits(nn.Module):
    """A segmentor as one function: raw pixels in, logits at input size out.

    Runs what :meth:`mmseg.models.EncoderDecoder.predict` runs before its
    post-processing: the data preprocessor's channel flip and
    normalisation, backbone (and neck), ``decode_head.forward``, and the
    bilinear resize of the logits to the input's height and width. Test-time
    padding (``data_preprocessor.test_cfg``) and the resize to the original
    image size stay outside, as the mmseg pipeline does them.

    Args:
        segmentor (EncoderDecoder): A segmentor with ``test_cfg.mode``
            'whole'.
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
        """Logits of a batch.

        Args:
            inputs (Tensor): Pixels, see :data:`INPUT_FORMAT`.

        Returns:
            Tensor: Logits of shape (N, out_channels, H, W).
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
    """The fast PyTorch path: folded BatchNorm, channels-last weights.

    :class:`SegmentorLogits` of a copy of the segmentor with every conv+BN
    pair folded (:func:`~linknet_mm.models.utils.fused_copy`) and its
    weights in ``torch.channels_last`` layout; feed it channels-last inputs
    under ``torch.inference_mode``.

    Args:
        segmentor (nn.Module): The segmentor (not changed).

    Returns:
        nn.Module: The optimised module in eval mode.
    """
    return SegmentorLogits(fused_copy(segmentor)).eval().to(
        memory_format=torch.channels_last)


def model_to_export(config: str, checkpoint: Optional[str],
                    cfg_options: Optional[dict], out: str) -> nn.Module:
    """The segmentor an export tool writes to ``out``.

    The config is read as every tool reads it (checked ``--cfg-options``),
    with the folder of ``out`` as its work dir. Without a checkpoint the
    weights are random, and a warning says so.

    Args:
        config (str): Config file of the model.
        checkpoint (str, optional): Checkpoint file; None keeps random
            weights.
        cfg_options (dict, optional): Parsed ``--cfg-options``.
        out (str): File the export will be written to.

    Returns:
        nn.Module: The segmentor, on the CPU.
    """
    cfg = load_tool_config(config, cfg_options,
                           osp.dirname(osp.abspath(out)))
    model = init_segmentor(cfg, checkpoint)
    if checkpoint is None:
        print_log('no checkpoint given: exporting random weights',
                  logger='current', level=logging.WARNING)
    return model


def in_channels_of(segmentor: nn.Module) -> int:
    """Channels of the images the segmentor takes.

    Args:
        segmentor (nn.Module): The segmentor.

    Returns:
        int: The first convolution's input channels.
    """
    conv = next(m for m in segmentor.backbone.modules()
                if isinstance(m, nn.Conv2d))
    return conv.in_channels


def export_onnx(segmentor: nn.Module,
                out_file: str,
                opset: int = 18,
                example_hw: HW = (256, 256)) -> None:
    """Export :class:`SegmentorLogits` to ONNX with dynamic N, H and W.

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
    wrapper = SegmentorLogits(segmentor).eval()
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
    """Trace :class:`SegmentorLogits` with ``torch.jit.trace`` and save it.

    Tracing records the sizes used by the crops and the final resize as
    ``aten::size`` reads of the input, so the module takes any batch, height
    and width (:func:`check_logits` verifies it on other sizes). torch 2.13
    deprecates TorchScript in favour of ``torch.export``; the warning is
    silenced here, the format still loads with ``torch.jit.load`` and in
    libtorch.

    Args:
        segmentor (nn.Module): Segmentor in eval mode.
        out_file (str): File to write.
        example_hw (tuple[int, int]): Size of the traced example. Defaults
            to (256, 256).
    """
    wrapper = SegmentorLogits(segmentor).eval()
    example = torch.rand(1, in_channels_of(segmentor), *example_hw) * 255
    with torch.no_grad(), warnings.catch_warnings():
        warnings.filterwarnings('ignore', category=DeprecationWarning)
        warnings.filterwarnings('ignore', category=torch.jit.TracerWarning)
        traced = torch.jit.trace(wrapper, example)
    traced.save(out_file)


def reference_logits(segmentor: nn.Module, inputs: Tensor) -> Tensor:
    """Logits of the segmentor's own mmseg path, at the input size.

    Args:
        segmentor (nn.Module): The segmentor.
        inputs (Tensor): Pixels, see :data:`INPUT_FORMAT`.

    Returns:
        Tensor: ``EncoderDecoder.inference`` after the data preprocessor.
    """
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


def compare_logits(expected: Tensor, got: Tensor) -> Dict[str, float]:
    """Max absolute difference and argmax agreement of two logit batches.

    Args:
        expected (Tensor): Reference logits (N, C, H, W).
        got (Tensor): Logits to check, same shape.

    Returns:
        dict: ``max_abs_diff`` and ``agreement`` (fraction of pixels whose
        argmax is the same).
    """
    if tuple(expected.shape) != tuple(got.shape):
        raise ValueError(f'exported model gave logits of shape '
                         f'{tuple(got.shape)}, expected '
                         f'{tuple(expected.shape)}')
    return dict(
        max_abs_diff=float((expected - got).abs().max()),
        agreement=float((expected.argmax(1) == got.argmax(1)).float().mean()))


def check_logits(segmentor: nn.Module,
                 run,
                 shapes: Sequence[Tuple[int, int, int]] = CHECK_SHAPES,
                 seed: int = 0) -> List[dict]:
    """Compare an exported model with the segmentor on several sizes.

    Args:
        segmentor (nn.Module): The eager segmentor.
        run (Callable[[Tensor], Tensor]): Runs the exported model on a
            batch of pixels and returns its logits.
        shapes (Sequence[tuple[int, int, int]]): (N, H, W) to try. Defaults
            to :data:`CHECK_SHAPES`.
        seed (int): Seed of the random inputs. Defaults to 0.

    Returns:
        list[dict]: Per shape: ``shape``, ``max_abs_diff``, ``agreement``
        and ``ok`` (within :data:`MAX_ABS_DIFF` and
        :data:`MIN_AGREEMENT`).
    """
    generator = torch.Generator().manual_seed(seed)
    channels = in_channels_of(segmentor)
    rows = []
    for n, h, w in shapes:
        inputs = torch.rand(n, channels, h, w, generator=generator) * 255
        row = dict(shape=[n, channels, h, w])
        row.update(
            compare_logits(reference_logits(segmentor, inputs), run(inputs)))
        row['ok'] = bool(row['max_abs_diff'] <= MAX_ABS_DIFF
                         and row['agreement'] >= MIN_AGREEMENT)
        rows.append(row)
    return rows


def format_check(rows: Sequence[dict]) -> str:
    """The rows of :func:`check_logits` as a table.

    Args:
        rows (Sequence[dict]): Rows of :func:`check_logits`.

    Returns:
        str: One line per shape.
    """
    lines = [
        f'{"input (N, C, H, W)":<22}{"max |diff|":>12}'
        f'{"argmax agree":>15}  ok'
    ]
    for row in rows:
        lines.append(f'{str(tuple(row["shape"])):<22}'
                     f'{row["max_abs_diff"]:>12.2e}'
                     f'{100 * row["agreement"]:>14.4f}%  '
                     f'{"yes" if row["ok"] else "NO"}')
    return '\n'.join(lines)


def report_check(rows: Sequence[dict], title: str, failure: str) -> int:
    """Log the rows of :func:`check_logits` and say whether all passed.

    Args:
        rows (Sequence[dict]): Rows of :func:`check_logits`.
        title (str): What was compared, e.g. 'ONNX Runtime vs PyTorch'.
        failure (str): What a failed check means, for the error line.

    Returns:
        int: Exit status for a tool: 0 if every row is ok, else 1.
    """
    print_log(f'{title}:\n{format_check(rows)}', logger='current')
    if all(row['ok'] for row in rows):
        return 0
    print_log(f'check failed: {failure}', logger='current',
              level=logging.ERROR)
    return 1


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
