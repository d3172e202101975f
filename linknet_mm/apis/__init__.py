"""What users call to load a model and segment images, folders and videos
(export, backends and low precision: :mod:`linknet_mm.deploy`)."""
from .image_io import list_images, read_image
from .inference import predict, segment
from .inferencer import LinkNetInferencer
from .result_writer import (ResultWriter, segment_files, segment_path,
                            segment_video)
from .segmentor import init_segmentor

__all__ = [
    'LinkNetInferencer', 'ResultWriter', 'init_segmentor', 'list_images',
    'predict', 'read_image', 'segment', 'segment_files', 'segment_path',
    'segment_video'
]
