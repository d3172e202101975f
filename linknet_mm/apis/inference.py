"""Segment images with a built model: the Python API over the inferencer."""
from pathlib import Path
from typing import Any, List, Sequence, Union

import numpy as np
from mmseg.structures import SegDataSample

from .image_io import ImageInput
from .inferencer import LinkNetInferencer


def predict(model: Any,
            images: Union[ImageInput, Sequence[ImageInput]],
            batch_size: int = 1) -> List[SegDataSample]:
    """Segment images with the config's test pipeline, through
    :class:`LinkNetInferencer` (mmseg's ``MMSegInferencer``).

    Args:
        model: Of :func:`~linknet_mm.apis.init_segmentor`, or a backend
            such as :class:`~linknet_mm.deploy.OnnxSegmentor`.
        images (str | Path | np.ndarray | Sequence): Image file(s) or BGR /
            grey array(s).
        batch_size (int): Images taken at a time. Defaults to 1.

    Returns:
        list[SegDataSample]: One per image, in order: ``pred_sem_seg``
        (1, H, W), ``seg_logits`` (C, H, W) at its size, ``img_path``.
    """
    if getattr(model, 'cfg', None) is None:
        raise ValueError('the model has no config (model.cfg); build it '
                         'with linknet_mm.apis.init_segmentor')
    if isinstance(images, (str, Path, np.ndarray)):
        images = [images]
    return LinkNetInferencer(model).predict(images, batch_size)


def label_map(sample: SegDataSample) -> np.ndarray:
    """A prediction's class ids (``pred_sem_seg``), uint8 (H, W)."""
    return sample.pred_sem_seg.data[0].cpu().numpy().astype(np.uint8)


def segment(model: Any,
            images: Union[ImageInput, Sequence[ImageInput]],
            batch_size: int = 1) -> List[np.ndarray]:
    """:func:`predict` reduced to one uint8 (H, W) map of class ids per
    image, at its size."""
    num_classes = model.cfg.model.decode_head.num_classes
    if num_classes > 256:
        raise ValueError(f'segment returns uint8 maps, which hold at most '
                         f'256 classes; the model has {num_classes}: use '
                         'predict instead')
    return [label_map(sample) for sample in predict(model, images, batch_size)]
