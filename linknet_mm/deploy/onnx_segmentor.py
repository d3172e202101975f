"""Run an exported ONNX segmentor with ONNX Runtime, as a drop-in model."""
import json
import os.path as osp
from typing import Optional

import numpy as np
import onnxruntime as ort
import torch
from onnxruntime.capi.onnxruntime_pybind11_state import InvalidProtobuf
from torch import Tensor

from ..errors import BackendMismatchError
from ..utils.config import ConfigInput
from .backend_segmentor import BackendSegmentor
from .export import METADATA_KEY


def onnx_session(onnx_file: str,
                 device: str = 'cpu',
                 num_threads: Optional[int] = None) -> ort.InferenceSession:
    """An ONNX Runtime session of a file on the CPU, or preferring CUDA for
    a 'cuda[:N]' ``device``; ``num_threads`` intra-op threads (ORT's
    default, one per core, when None)."""
    options = ort.SessionOptions()
    if num_threads is not None:
        options.intra_op_num_threads = num_threads
    providers = ['CUDAExecutionProvider'] if device.startswith('cuda') else []
    return ort.InferenceSession(
        onnx_file, options, providers=providers + ['CPUExecutionProvider'])


class OnnxSegmentor(BackendSegmentor):
    """An ONNX file of :func:`~.export.export_onnx` (fp32, or INT8 of
    :func:`~.quantize.quantize_int8`) in ONNX Runtime, as a
    :class:`~.backend_segmentor.BackendSegmentor`. Its input channels and
    classes are checked against the config when it is opened.

    Args:
        onnx_file (str): The exported model.
        config (str | Path | Config): The config it was exported from.
        device (str): 'cpu', or 'cuda' (needs ``onnxruntime-gpu``).
            Defaults to 'cpu'.
        num_threads (int, optional): ORT intra-op threads; ORT's default
            when None.
        cfg_options (dict, optional): Overrides of the config.
        dataset_meta (dict, optional): Class names and palette; the
            config's dataset's when None.
    """

    backend = 'ONNX Runtime'

    def __init__(self,
                 onnx_file: str,
                 config: ConfigInput,
                 device: str = 'cpu',
                 num_threads: Optional[int] = None,
                 cfg_options: Optional[dict] = None,
                 dataset_meta: Optional[dict] = None) -> None:
        if not osp.isfile(onnx_file):
            raise FileNotFoundError(f'ONNX file {onnx_file!r} not found')
        super().__init__(config, dataset_meta, cfg_options)
        self.onnx_file = onnx_file
        try:
            self.session = onnx_session(onnx_file, device, num_threads)
        except InvalidProtobuf as error:
            raise BackendMismatchError(
                self.backend,
                f'{onnx_file!r} is not an ONNX model: {error}') from error
        self._check_shapes()
        self.input_name = self.session.get_inputs()[0].name

    def _check_shapes(self) -> None:
        """Raise if the graph takes other channels or gives other classes
        (fixed dimensions of the graph, else its :data:`METADATA_KEY`)."""
        inputs, outputs = self.session.get_inputs(), self.session.get_outputs()
        if len(inputs) != 1 or len(outputs) != 1:
            raise BackendMismatchError(
                self.backend, f'ONNX file {self.onnx_file!r} has '
                f'{len(inputs)} inputs and {len(outputs)} outputs; expected '
                'one image batch in and one logits batch out (export it with '
                'tools/deployment/pytorch2onnx.py)')
        meta = json.loads(self.session.get_modelmeta().custom_metadata_map.get(
            METADATA_KEY, '{}'))
        got_in = _static_dim(inputs[0]) or meta.get('in_channels')
        want_in = self.cfg.model.backbone.get('in_channels', 3)
        if got_in is not None and got_in != want_in:
            raise BackendMismatchError(
                self.backend,
                f'ONNX file {self.onnx_file!r} takes {got_in}-channel '
                f'images but {self.cfg.filename} builds a model of '
                f'{want_in}-channel images (model.backbone.in_channels); '
                'use the config the file was exported from')
        got_out = _static_dim(outputs[0]) or meta.get('out_channels')
        if got_out is not None:
            self._check_classes(got_out)

    def _check_classes(self, got: int) -> None:
        """Raise if the logits have ``got`` channels, not the config's."""
        if got != self.out_channels:
            raise BackendMismatchError(
                self.backend,
                f'ONNX file {self.onnx_file!r} outputs {got} classes but '
                f'{self.cfg.filename} has decode_head.num_classes='
                f'{self.num_classes} (out_channels={self.out_channels}); '
                'use the config the file was exported from, or export it '
                'again from this one with tools/deployment/pytorch2onnx.py')

    def logits(self, inputs: Tensor) -> Tensor:
        """Logits (N, out_channels, H, W) of the graph on a pixel batch."""
        array = np.ascontiguousarray(inputs.detach().cpu().numpy(), np.float32)
        out = torch.from_numpy(
            self.session.run(None, {self.input_name: array})[0])
        self._check_classes(out.shape[1])
        return out


def _static_dim(value: ort.NodeArg) -> Optional[int]:
    """The channels (axis 1) of a graph input/output, None if symbolic."""
    dims = value.shape
    return dims[1] if len(dims) > 1 and isinstance(dims[1], int) else None
