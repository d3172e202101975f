"""Build a segmentor from a config and segment images with it."""
import copy
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Union

import numpy as np
import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmseg.apis import init_model
from mmseg.registry import DATASETS
from mmseg.structures import SegDataSample

from ..utils import read_config
from .model_weights import load_segmentor_checkpoint
from .pipeline import ImageInput, as_image, inference_pipeline

ConfigInput = Union[str, Path, Config]
#: Seed of the palette made up for classes without colours.
PALETTE_SEED = 42


def init_segmentor(config: ConfigInput,
                   checkpoint: Optional[str] = None,
                   device: str = 'cpu',
                   cfg_options: Optional[dict] = None) -> nn.Module:
    """Build a segmentor for inference, with weights that fit it.

    Like :func:`mmseg.apis.init_model` (pretrained ``init_cfg`` off, eval
    mode, ``model.cfg`` set), but a checkpoint whose tensors do not fit the
    config is an error (see
    :func:`~linknet_mm.apis.model_weights.load_segmentor_checkpoint`), and
    ``model.dataset_meta`` (class names and palette) comes from the
    checkpoint, else from the config's test dataset class.

    Args:
        config (str | Path | Config): Config file or object; an object is
            copied, not changed.
        checkpoint (str, optional): Checkpoint file; None keeps random
            weights. Defaults to None.
        device (str): Device to put the model on. Defaults to 'cpu'.
        cfg_options (dict, optional): Overrides, as ``--cfg-options``.
            Defaults to None.

    Returns:
        nn.Module: The segmentor in eval mode.
    """
    cfg = load_config(config, cfg_options)
    name = cfg.filename or 'the given config'
    model = init_model(cfg, None, device='cpu')
    model.dataset_meta = dataset_meta_of(cfg)
    if checkpoint is not None:
        loaded = load_segmentor_checkpoint(model, checkpoint, name)
        saved = (loaded.get('meta') or {}).get('dataset_meta') or {}
        model.dataset_meta.update(saved)
    return model.to(device)


def load_config(config: ConfigInput,
                cfg_options: Optional[dict] = None) -> Config:
    """A config from a file, or a copy of a config object, with overrides.

    Nothing is created or written (the tools check ``--cfg-options`` keys
    and their output folder with :func:`linknet_mm.utils.load_tool_config`
    and pass the result here).

    Args:
        config (str | Path | Config): Config file or object.
        cfg_options (dict, optional): Overrides. Defaults to None.

    Returns:
        Config: The config; an object passed in is not changed.
    """
    if isinstance(config, (str, Path)):
        cfg = read_config(str(config))
    elif isinstance(config, Config):
        cfg = copy.deepcopy(config)
    else:
        raise TypeError('config must be a file path or an mmengine Config, '
                        f'got {type(config).__name__}')
    cfg.merge_from_dict(cfg_options or {})
    return cfg


def dataset_meta_of(cfg: Config) -> Dict[str, Any]:
    """Class names and palette for a config's model.

    Taken from the ``METAINFO`` of the test dataset's class (updated by the
    dataset's ``metainfo`` setting) when it lists ``num_classes`` classes;
    otherwise the classes are named by their ids and get fixed random
    colours.

    Args:
        cfg (Config): The config.

    Returns:
        dict: ``classes`` (tuple of str) and ``palette`` (list of RGB
        lists).
    """
    num_classes = cfg.model.decode_head.num_classes
    dataset = cfg.get('test_dataloader', {}).get('dataset', {})
    kind = dataset.get('type', '')
    dataset_cls = DATASETS.get(kind) if isinstance(kind, str) else kind
    meta = dict(getattr(dataset_cls, 'METAINFO', {}))
    meta.update(dataset.get('metainfo') or {})
    classes = tuple(meta.get('classes', ()))
    palette = [list(color) for color in meta.get('palette', [])]
    if len(classes) != num_classes:
        classes = tuple(str(i) for i in range(num_classes))
    if len(palette) != num_classes:
        rng = np.random.default_rng(PALETTE_SEED)
        palette = rng.integers(0, 256, (num_classes, 3)).tolist()
    return dict(classes=classes, palette=palette)


def config_test_pipeline(cfg: Config) -> List[dict]:
    """The test dataloader's pipeline, else the ``test_pipeline`` variable.

    Args:
        cfg (Config): The config.

    Returns:
        list[dict]: The transforms.
    """
    dataset = cfg.get('test_dataloader', {}).get('dataset', {})
    pipeline = dataset.get('pipeline') or cfg.get('test_pipeline')
    if not pipeline:
        raise ValueError(f'{cfg.filename or "the config"} has neither '
                         'test_dataloader.dataset.pipeline nor test_pipeline;'
                         ' inference needs one')
    return list(pipeline)


def predict(model: Any,
            images: Union[ImageInput, Sequence[ImageInput]],
            batch_size: int = 1) -> List[SegDataSample]:
    """Segment images with the config's test pipeline.

    Each image goes through the config's test pipeline
    (:func:`config_test_pipeline`) without its annotation steps (see
    :func:`~linknet_mm.apis.pipeline.inference_pipeline`); predictions are
    resized back to each image's own size, whatever it is.

    Args:
        model: A segmentor from :func:`init_segmentor`, or an
            :class:`~linknet_mm.apis.OnnxSegmentor` (anything with ``cfg``
            and mmengine's ``test_step``).
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
    if batch_size < 1:
        raise ValueError(f'batch_size must be >= 1, got {batch_size}')
    cfg = getattr(model, 'cfg', None)
    if cfg is None:
        raise ValueError('the model has no config (model.cfg); build it '
                         'with linknet_mm.apis.init_segmentor')
    if isinstance(images, (str, Path, np.ndarray)):
        images = [images]
    with DefaultScope.overwrite_default_scope(
            cfg.get('default_scope', 'mmseg')):
        load_cfg, pipeline = inference_pipeline(
            config_test_pipeline(cfg), cfg.filename or 'the config')
    results: List[Optional[SegDataSample]] = [None] * len(images)
    for start in range(0, len(images), batch_size):
        groups = defaultdict(list)
        for index in range(start, min(start + batch_size, len(images))):
            packed = pipeline(dict(img=as_image(images[index], load_cfg)))
            if isinstance(images[index], (str, Path)):
                packed['data_samples'].set_metainfo(
                    dict(img_path=str(images[index])))
            groups[tuple(packed['inputs'].shape)].append((index, packed))
        for group in groups.values():
            data = dict(
                inputs=[packed['inputs'] for _, packed in group],
                data_samples=[packed['data_samples'] for _, packed in group])
            with torch.no_grad():
                samples = model.test_step(data)
            for (index, _), sample in zip(group, samples):
                results[index] = sample
    return results


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
    return [
        sample.pred_sem_seg.data[0].cpu().numpy().astype(np.uint8)
        for sample in predict(model, images, batch_size)
    ]
