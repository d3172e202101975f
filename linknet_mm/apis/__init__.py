"""Inference and export: load a model, segment images, export it."""
from .export import (SegmentorLogits, check_logits, export_onnx,
                     export_torchscript)
from .image_io import ImageReadError, list_images
from .inference import predict, segment
from .inferencer import LinkNetInferencer
from .model_weights import CheckpointMismatchError, load_segmentor_checkpoint
from .onnx_segmentor import OnnxModelMismatchError, OnnxSegmentor
from .publish import publish_checkpoint
from .segmentor import init_segmentor
from .writing import (ResultWriter, segment_files, segment_path,
                      segment_video)

__all__ = [
    'CheckpointMismatchError', 'ImageReadError', 'LinkNetInferencer',
    'OnnxModelMismatchError', 'OnnxSegmentor', 'ResultWriter',
    'SegmentorLogits', 'check_logits', 'export_onnx', 'export_torchscript',
    'init_segmentor', 'list_images', 'load_segmentor_checkpoint', 'predict',
    'publish_checkpoint', 'segment', 'segment_files', 'segment_path',
    'segment_video'
]
