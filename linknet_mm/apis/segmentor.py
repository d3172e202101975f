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

    Like :func:`mmseg.apis.init_model` (pretrained ``init_cfg`` off, eval
    mode, ``model.cfg`` set), but a checkpoint whose tensors do not fit the
    config (missing, unexpected, of another shape) is a one-line error
    naming both (see
    :func:`~linknet_mm.engine.checkpoint.load_segmentor_checkpoint`);
    ``partial_load=True`` in the config (or ``cfg_options``) loads the
    tensors that fit instead, with a warning. ``model.dataset_meta`` (class
    names and palette) comes from the checkpoint, else from the config's
    test dataset class.

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
        loaded = load_segmentor_checkpoint(
            model, checkpoint, name, partial=cfg.get('partial_load', False))
        saved = (loaded.get('meta') or {}).get('dataset_meta') or {}
        model.dataset_meta.update(saved)
    return model.to(device)

