"""Build a segmentor for inference from a config and a checkpoint."""
import copy
from pathlib import Path
from typing import Any, Dict, Optional, Union

import numpy as np
import torch.nn as nn
from mmengine.config import Config
from mmseg.apis import init_model
from mmseg.registry import DATASETS

from ..utils import read_config
from ..engine.checkpoint import load_segmentor_checkpoint

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
    :func:`~linknet_mm.engine.checkpoint.load_segmentor_checkpoint`), and
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
