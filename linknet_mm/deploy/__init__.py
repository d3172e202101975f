"""Deployment: export, runtime backends, low precision and the parity check.

* :mod:`.logits_model`: a segmentor as one module, pixels to logits;
* :mod:`.export`: ONNX and TorchScript files of it;
* :mod:`.backend_segmentor`, :mod:`.onnx_segmentor`,
  :mod:`.bf16_segmentor`: backends (ONNX Runtime fp32 / INT8, bfloat16
  PyTorch) that segment like an mmseg model;
* :mod:`.quantize`: the INT8 model of a checkpoint;
* :mod:`.parity`, :mod:`.parity_verdict`, :mod:`.parity_record`: the
  check of every export and precision against fp32, the criteria a
  precision is accepted by, and its record beside the checkpoint;
* :mod:`.precision`: ``--precision auto``, the fastest precision that
  passed on this CPU.
"""
from .backend_segmentor import BackendSegmentor
from .bf16_segmentor import Bf16Segmentor
from .export import export_onnx, export_torchscript
from .logits_model import LogitsModel
from .onnx_segmentor import OnnxSegmentor
from .parity import ParityCheck, check_export, check_parity
from .precision import choose_precision, in_precision
from .quantize import make_int8, quantize_int8

__all__ = [
    'BackendSegmentor', 'Bf16Segmentor', 'LogitsModel', 'OnnxSegmentor',
    'ParityCheck', 'check_export', 'check_parity', 'choose_precision',
    'export_onnx', 'export_torchscript', 'in_precision', 'make_int8',
    'quantize_int8'
]
