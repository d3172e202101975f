"""Inference and export: load a model, segment images, export it."""
from .model_weights import CheckpointMismatchError, load_segmentor_checkpoint
from .export import (SegmentorLogits, check_logits, export_onnx,
                     export_torchscript)
from .inference import init_segmentor, predict, segment
from .onnx_segmentor import OnnxModelMismatchError, OnnxSegmentor
from .pipeline import ImageReadError, inference_pipeline, list_images

__all__ = [
    'CheckpointMismatchError', 'ImageReadError', 'OnnxModelMismatchError',
    'OnnxSegmentor', 'SegmentorLogits', 'check_logits', 'export_onnx',
    'export_torchscript', 'inference_pipeline', 'init_segmentor',
    'list_images', 'load_segmentor_checkpoint', 'predict', 'segment'
]
