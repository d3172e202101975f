"""Prepare a trained checkpoint for release, as mmseg's publish_model does."""
import hashlib
import os
import os.path as osp

import torch

from ..engine import read_checkpoint

#: Training state a released model does not need.
TRAINING_STATE = ('optimizer', 'param_schedulers', 'message_hub')


def publish_checkpoint(in_file: str, out_file: str) -> str:
    """Write ``in_file`` without its training state, named by its hash.

    The checkpoint is read with ``weights_only=True`` (the allowlist of
    :mod:`linknet_mm.engine.checkpoint_reading`, so a checkpoint that asks
    to run code is refused). The optimizer, scheduler and message-hub
    state are dropped; weights and ``meta`` (class names, palette) stay.
    The result goes to ``<out_file stem>-<first 8 hex of its SHA-256>.pth``,
    written under a temporary name and renamed.

    Args:
        in_file (str): A checkpoint written by training.
        out_file (str): Where to write, e.g. ``linknet_r18_brain.pth``.

    Returns:
        str: The final file name.
    """
    checkpoint = read_checkpoint(in_file)
    for key in TRAINING_STATE:
        checkpoint.pop(key, None)
    stem = out_file[:-len('.pth')] if out_file.endswith('.pth') else out_file
    partial = f'{stem}.pth.part'
    torch.save(checkpoint, partial)
    digest = hashlib.sha256()
    with open(partial, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    final = f'{stem}-{digest.hexdigest()[:8]}.pth'
    os.replace(partial, final)
    return osp.abspath(final)
