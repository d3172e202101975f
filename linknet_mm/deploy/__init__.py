"""Deployment: export, runtime backends, low precision and the parity check.

:mod:`.logits_model` (pixels to logits) and :mod:`.export` (ONNX and
TorchScript, checked against the segmentor); backends that segment like an
mmseg model (:mod:`.onnx_segmentor`, :mod:`.bf16_segmentor` over
:mod:`.backend_segmentor`); :mod:`.quantize` (INT8); the parity check of
low precisions (:mod:`.parity`, :mod:`.parity_verdict`,
:mod:`.parity_check`, :mod:`.parity_record`) and :mod:`.precision`
(``--precision auto``).
"""
from .backend_segmentor import BackendSegmentor
from .bf16_segmentor import Bf16Segmentor
from .export import check_export, export_onnx, export_torchscript
from .logits_model import LogitsModel
from .onnx_segmentor import OnnxSegmentor
from .parity import ParityCheck
from .parity_check import check_parity
from .precision import choose_precision, in_precision
from .quantize import make_int8, quantize_int8

__all__ = [
    'BackendSegmentor', 'Bf16Segmentor', 'LogitsModel', 'OnnxSegmentor',
    'ParityCheck', 'check_export', 'check_parity', 'choose_precision',
    'export_onnx', 'export_torchscript', 'in_precision', 'make_int8',
    'quantize_int8'
]
