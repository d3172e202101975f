"""Run an exported ONNX segmentor with ONNX Runtime, as a drop-in model."""
import os.path as osp
from typing import Dict, List, Optional

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torch.nn as nn
from google.protobuf.message import DecodeError
from mmengine.structures import PixelData
from mmseg.models.utils import resize
from mmseg.structures import SegDataSample
from torch import Tensor

from ..errors import OnnxModelMismatchError
from .export import onnx_metadata
from .segmentor import ConfigInput, dataset_meta_of, load_config


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


class OnnxSegmentor(nn.Module):
    """An ONNX file from :func:`~linknet_mm.apis.export_onnx` in ORT.

    Has what :func:`~linknet_mm.apis.predict` and mmseg's inferencer use
    of a segmentor (``cfg``, ``dataset_meta``, ``test_step``; a module
    without parameters), so images go through the config's own
    test pipeline and the logits are resized to each image's size as mmseg
    does. The file's input channels and classes are checked against the
    config when it is opened.

    Args:
        onnx_file (str): Exported model; it takes
            :data:`~linknet_mm.apis.export.INPUT_FORMAT`.
        config (str | Path | Config): The config it was exported from; an
            object is copied, not changed.
        device (str): 'cpu', or 'cuda' for ORT's CUDA provider (needs
            ``onnxruntime-gpu``). Defaults to 'cpu'.
        num_threads (int, optional): ORT intra-op threads; None for ORT's
            default (one per physical core). Defaults to None.
        cfg_options (dict, optional): Overrides of the config. Defaults to
            None.
    """

    def __init__(self,
                 onnx_file: str,
                 config: ConfigInput,
                 device: str = 'cpu',
                 num_threads: Optional[int] = None,
                 cfg_options: Optional[dict] = None) -> None:
        super().__init__()
        if not osp.isfile(onnx_file):
            raise FileNotFoundError(f'ONNX file {onnx_file!r} not found')
        self.cfg = load_config(config, cfg_options)
        self.onnx_file = onnx_file
        head = self.cfg.model.decode_head
        self.num_classes = head.num_classes
        self.out_channels = head.get('out_channels') or head.num_classes
        self.align_corners = head.get('align_corners', False)
        self.threshold = head.get('threshold') or 0.3
        self.dataset_meta = dataset_meta_of(self.cfg)
        preprocessor = self.cfg.model.get('data_preprocessor') or {}
        if preprocessor.get('test_cfg'):
            raise OnnxModelMismatchError(
                'the ONNX backend does not pad at test time; '
                f'{self.cfg.filename}: data_preprocessor.test_cfg='
                f'{preprocessor.test_cfg} is not supported')
        try:
            graph = onnx.load(onnx_file, load_external_data=False)
        except DecodeError as error:
            raise OnnxModelMismatchError(
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
            raise OnnxModelMismatchError(
                f'ONNX file {self.onnx_file!r} has '
                f'{len(model.graph.input)} inputs and '
                f'{len(model.graph.output)} outputs; expected one image '
                'batch in and one logits batch out (export it with '
                'tools/deployment/pytorch2onnx.py)')
        meta = onnx_metadata(model)
        got_in = _static_dim(model.graph.input[0], 1)
        got_in = got_in or meta.get('in_channels')
        want_in = self.cfg.model.backbone.get('in_channels', 3)
        if got_in is not None and got_in != want_in:
            raise OnnxModelMismatchError(
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
            raise OnnxModelMismatchError(
                f'ONNX file {self.onnx_file!r} outputs {got} classes but '
                f'{self.cfg.filename} has decode_head.num_classes='
                f'{self.num_classes} (out_channels={self.out_channels}); '
                'use the config the file was exported from, or export it '
                'again from this one with tools/deployment/pytorch2onnx.py')

    def logits(self, inputs: Tensor) -> Tensor:
        """Run the graph on a batch of pixels.

        Args:
            inputs (Tensor): (N, C, H, W) pixels, see
                :data:`~linknet_mm.apis.export.INPUT_FORMAT`.

        Returns:
            Tensor: Logits (N, out_channels, H, W).
        """
        array = np.ascontiguousarray(inputs.detach().cpu().numpy(), np.float32)
        out = torch.from_numpy(
            self.session.run(None, {self.input_name: array})[0])
        self._check_classes(out.shape[1])
        return out

    def test_step(self, data: Dict[str, list]) -> List[SegDataSample]:
        """Predict a batch packed by ``PackSegInputs``.

        Args:
            data (dict): ``inputs`` (list of (C, H, W) tensors of one size)
                and ``data_samples``.

        Returns:
            list[SegDataSample]: ``data_samples`` with ``seg_logits`` and
            ``pred_sem_seg`` at each image's original size.
        """
        logits = self.logits(torch.stack([x.float() for x in data['inputs']]))
        samples = data['data_samples']
        for sample, sample_logits in zip(samples, logits):
            sample_logits = resize(
                sample_logits[None],
                size=sample.metainfo['ori_shape'],
                mode='bilinear',
                align_corners=self.align_corners,
                warning=False)[0]
            if sample_logits.shape[0] > 1:
                pred = sample_logits.argmax(dim=0, keepdim=True)
            else:
                sample_logits = sample_logits.sigmoid()
                pred = (sample_logits > self.threshold).to(sample_logits)
            sample.set_data(
                dict(
                    seg_logits=PixelData(data=sample_logits),
                    pred_sem_seg=PixelData(data=pred)))
        return samples


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
