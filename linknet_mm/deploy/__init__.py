"""Export (ONNX, TorchScript), backends that segment like an mmseg model
(ONNX Runtime fp32/INT8, bfloat16), INT8 quantization, and the parity
check of low precisions behind ``--precision auto``."""
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
