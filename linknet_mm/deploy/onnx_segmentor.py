"""Run an exported ONNX segmentor with ONNX Runtime, as a drop-in model."""
import os.path as osp
from typing import Optional

import numpy as np
import onnx
import onnxruntime as ort
import torch
from google.protobuf.message import DecodeError
from torch import Tensor

from ..errors import BackendMismatchError
from ..utils.config import ConfigInput
from .backend_segmentor import BackendSegmentor
from .export import onnx_metadata


def onnx_session(onnx_file: str,
                 device: str = 'cpu',
                 num_threads: Optional[int] = None) -> ort.InferenceSession:
    """An ONNX Runtime session, with all graph optimisations (the default).

    Args:
        onnx_file (str): The ONNX file.
        device (str): 'cpu', or 'cuda[:N]' to prefer CUDA. Defaults to
            'cpu'.
        num_threads (int, optional): Intra-op threads; ONNX Runtime's
            default (one per core) when None. Defaults to None.

    Returns:
        ort.InferenceSession: The session.
    """
    options = ort.SessionOptions()
    if num_threads is not None:
        options.intra_op_num_threads = num_threads
    providers = ['CPUExecutionProvider']
    if device.startswith('cuda'):
        providers.insert(0, 'CUDAExecutionProvider')
    return ort.InferenceSession(onnx_file, options, providers=providers)


class OnnxSegmentor(BackendSegmentor):
    """An ONNX file from :func:`~.export.export_onnx` in ORT.

    A :class:`~.backend_segmentor.BackendSegmentor` (a module
    without parameters): images go through the config's own test pipeline
    and the logits are resized to each image's size as mmseg does. The
    file's input channels and classes are checked against the config when
    it is opened. fp32 and INT8 (:func:`~.quantize.quantize_int8`)
    files run alike.

    Args:
        onnx_file (str): Exported model; it takes
            :data:`~.logits_model.INPUT_FORMAT`.
        config (str | Path | Config): The config it was exported from; an
            object is copied, not changed.
        device (str): 'cpu', or 'cuda' for ORT's CUDA provider (needs
            ``onnxruntime-gpu``). Defaults to 'cpu'.
        num_threads (int, optional): ORT intra-op threads; None for ORT's
            default (one per physical core). Defaults to None.
        cfg_options (dict, optional): Overrides of the config. Defaults to
            None.
        dataset_meta (dict, optional): Class names and palette, e.g. those
            of the checkpoint it was exported from; the config's dataset's
            when None. Defaults to None.
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
            graph = onnx.load(onnx_file, load_external_data=False)
        except DecodeError as error:
            raise BackendMismatchError(
                self.backend,
                f'{onnx_file!r} is not an ONNX model: {error}') from error
        self._check_shapes(graph)
        self.session = onnx_session(onnx_file, device, num_threads)
        self.input_name = self.session.get_inputs()[0].name

    def _check_shapes(self, model: onnx.ModelProto) -> None:
        """Raise if the file takes other channels or gives other classes.

        Args:
            model (onnx.ModelProto): The loaded graph.
        """
        if len(model.graph.input) != 1 or len(model.graph.output) != 1:
            raise BackendMismatchError(
                self.backend, f'ONNX file {self.onnx_file!r} has '
                f'{len(model.graph.input)} inputs and '
                f'{len(model.graph.output)} outputs; expected one image '
                'batch in and one logits batch out (export it with '
                'tools/deployment/pytorch2onnx.py)')
        meta = onnx_metadata(model)
        got_in = _static_dim(model.graph.input[0], 1)
        got_in = got_in or meta.get('in_channels')
        want_in = self.cfg.model.backbone.get('in_channels', 3)
        if got_in is not None and got_in != want_in:
            raise BackendMismatchError(
                self.backend,
                f'ONNX file {self.onnx_file!r} takes {got_in}-channel '
                f'images but {self.cfg.filename} builds a model of '
                f'{want_in}-channel images (model.backbone.in_channels); '
                'use the config the file was exported from')
        got_out = _static_dim(model.graph.output[0], 1)
        got_out = got_out or meta.get('out_channels')
        if got_out is not None:
            self._check_classes(got_out)

    def _check_classes(self, got: int) -> None:
        """Raise if the model gives ``got`` channels, not the config's.

        Args:
            got (int): Channels of the logits.
        """
        if got != self.out_channels:
            raise BackendMismatchError(
                self.backend,
                f'ONNX file {self.onnx_file!r} outputs {got} classes but '
                f'{self.cfg.filename} has decode_head.num_classes='
                f'{self.num_classes} (out_channels={self.out_channels}); '
                'use the config the file was exported from, or export it '
                'again from this one with tools/deployment/pytorch2onnx.py')

    def logits(self, inputs: Tensor) -> Tensor:
        """Run the graph on a batch of pixels.

        Args:
            inputs (Tensor): (N, C, H, W) pixels, see
                :data:`~.logits_model.INPUT_FORMAT`.

        Returns:
            Tensor: Logits (N, out_channels, H, W).
        """
        array = np.ascontiguousarray(inputs.detach().cpu().numpy(), np.float32)
        out = torch.from_numpy(
            self.session.run(None, {self.input_name: array})[0])
        self._check_classes(out.shape[1])
        return out


def _static_dim(value: onnx.ValueInfoProto, axis: int) -> Optional[int]:
    """A fixed dimension of a graph input/output, None if symbolic.

    Args:
        value (onnx.ValueInfoProto): The input or output.
        axis (int): The dimension.

    Returns:
        int, optional: Its size when fixed in the graph.
    """
    dims = value.type.tensor_type.shape.dim
    if axis >= len(dims) or not dims[axis].HasField('dim_value'):
        return None
    return dims[axis].dim_value
