"""Inference and export: load a model, segment images, export it."""
from .bf16_segmentor import Bf16Segmentor
from .export import (SegmentorLogits, check_logits, export_onnx,
                     export_torchscript)
from .image_io import ImageReadError, list_images
from .inference import predict, segment
from .inferencer import LinkNetInferencer
from .logits_segmentor import LogitsSegmentor
from .onnx_segmentor import OnnxModelMismatchError, OnnxSegmentor
from .parity import ParityCheck
from .precision import choose_precision, in_precision
from .precision_check import check_precisions
from .quantize import quantize_int8
from .segmentor import init_segmentor
from .writing import (ResultWriter, segment_files, segment_path,
                      segment_video)

__all__ = [
    'Bf16Segmentor', 'ImageReadError',
    'LinkNetInferencer', 'LogitsSegmentor', 'OnnxModelMismatchError',
    'OnnxSegmentor', 'ParityCheck', 'ResultWriter', 'SegmentorLogits',
    'check_logits', 'check_precisions', 'choose_precision', 'export_onnx',
    'export_torchscript', 'in_precision', 'init_segmentor', 'list_images',
    'predict',
    'quantize_int8', 'segment', 'segment_files', 'segment_path',
    'segment_video'
]
