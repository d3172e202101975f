"""Build a segmentor for inference from a config and a checkpoint."""
import logging
import os.path as osp
from typing import Optional

import torch.nn as nn
from mmengine.logging import print_log
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


def model_to_export(config: str, checkpoint: Optional[str],
                    cfg_options: Optional[dict], out: str) -> nn.Module:
    """The segmentor an export tool writes to ``out``.

    The config is read as every tool reads it (checked ``--cfg-options``),
    with the folder of ``out`` as its work dir. Without a checkpoint the
    weights are random, and a warning says so.

    Args:
        config (str): Config file of the model.
        checkpoint (str, optional): Checkpoint file; None keeps random
            weights.
        cfg_options (dict, optional): Parsed ``--cfg-options``.
        out (str): File the export will be written to.

    Returns:
        nn.Module: The segmentor, on the CPU.
    """
    cfg = load_config(config, cfg_options, osp.dirname(osp.abspath(out)))
    model = init_segmentor(cfg, checkpoint)
    if checkpoint is None:
        print_log(
            'no checkpoint given: exporting random weights',
            logger='current',
            level=logging.WARNING)
    return model
