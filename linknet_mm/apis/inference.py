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
    """Segment images with the config's test pipeline.

    The images take the path of :class:`LinkNetInferencer` (the path of
    mmseg's ``MMSegInferencer``); predictions are resized back to each
    image's own size, whatever it is.

    Args:
        model: A segmentor from :func:`~linknet_mm.apis.init_segmentor`, or
            an :class:`~linknet_mm.deploy.OnnxSegmentor` (anything with
            ``cfg``, ``dataset_meta`` and mmengine's ``test_step``).
        images (str | Path | np.ndarray | Sequence): An image file, a BGR /
            grey array, or a sequence of them.
        batch_size (int): Images are taken ``batch_size`` at a time; those
            whose pipeline outputs have the same size run as one batch.
            Defaults to 1.

    Returns:
        list[SegDataSample]: One per image, in order, with ``pred_sem_seg``
        (1, H, W) and ``seg_logits`` (C, H, W) at the image's size, and
        ``img_path`` for file inputs.
    """
    if getattr(model, 'cfg', None) is None:
        raise ValueError('the model has no config (model.cfg); build it '
                         'with linknet_mm.apis.init_segmentor')
    if isinstance(images, (str, Path, np.ndarray)):
        images = [images]
    return LinkNetInferencer(model).predict(images, batch_size)


def label_map(sample: SegDataSample) -> np.ndarray:
    """A prediction's class ids as a uint8 (H, W) array.

    Args:
        sample (SegDataSample): A prediction with ``pred_sem_seg``.

    Returns:
        np.ndarray: The class ids.
    """
    return sample.pred_sem_seg.data[0].cpu().numpy().astype(np.uint8)


def segment(model: Any,
            images: Union[ImageInput, Sequence[ImageInput]],
            batch_size: int = 1) -> List[np.ndarray]:
    """Label maps of images: :func:`predict` reduced to class ids.

    Args:
        model: As for :func:`predict`.
        images (str | Path | np.ndarray | Sequence): As for :func:`predict`.
        batch_size (int): As for :func:`predict`. Defaults to 1.

    Returns:
        list[np.ndarray]: One uint8 (H, W) map of class ids per image, at
        the image's size.
    """
    num_classes = model.cfg.model.decode_head.num_classes
    if num_classes > 256:
        raise ValueError(f'segment returns uint8 maps, which hold at most '
                         f'256 classes; the model has {num_classes}: use '
                         'predict instead')
    return [label_map(sample) for sample in predict(model, images, batch_size)]
