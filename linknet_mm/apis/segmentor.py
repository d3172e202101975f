"""Build a segmentor for inference from a config and a checkpoint."""
from typing import Optional

import torch.nn as nn
from mmseg.apis import init_model

from ..datasets.metainfo import dataset_meta_of
from ..engine.checkpoint import load_segmentor_checkpoint
from ..utils.config import ConfigInput, load_config


def init_segmentor(config: ConfigInput,
                   checkpoint: Optional[str] = None,
                   device: str = 'cpu',
                   cfg_options: Optional[dict] = None) -> nn.Module:
    """Build a segmentor for inference, with weights that fit it.

    :func:`mmseg.apis.init_model`, then the checkpoint loaded strictly
    (:func:`~linknet_mm.engine.checkpoint.load_segmentor_checkpoint`: a
    one-line error unless ``partial_load=True``); ``model.dataset_meta``
    from the checkpoint, else from the config's test dataset.

    Args:
        config (str | Path | Config): Config file or object (copied).
        checkpoint (str, optional): Checkpoint; None keeps random weights.
        device (str): Device to put the model on. Defaults to 'cpu'.
        cfg_options (dict, optional): Overrides, as ``--cfg-options``.
    """
    cfg = load_config(config, cfg_options)
    name = cfg.filename or 'the given config'
    model = init_model(cfg, None, device='cpu')
    model.dataset_meta = dataset_meta_of(cfg)
    if checkpoint is not None:
        loaded = load_segmentor_checkpoint(
            model, checkpoint, name, partial=cfg.get('partial_load', False))
        saved = (loaded.get('meta') or {}).get('dataset_meta') or {}
        model.dataset_meta.update(saved)
    return model.to(device)
