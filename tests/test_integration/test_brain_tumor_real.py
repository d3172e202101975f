"""The shipped brain-tumour recipe trains and validates on real slices.

The 15 real Kaggle pairs of ../shared/data/real/brain_tumor (split 9/3/3;
two of them are 256x256, the rest 512x512) go through the config's own
pipelines (whole slices at 256x256, rotation, photometric distortion) for
a few iterations; validation reports the per-image Dice beside mmseg's.
"""
import math

import pytest
import torch
from mmengine.runner import Runner

from conftest import CONFIGS, load_config, real_data

pytestmark = pytest.mark.slow

ITERS = 4


def test_brain_config_trains_on_real_slices(tmp_path):
    root = real_data('brain_tumor')
    cfg = load_config(CONFIGS / 'linknet_brain_tumor.py')
    cfg.work_dir = str(tmp_path)
    for loader in ('train_dataloader', 'val_dataloader'):
        cfg[loader].dataset.data_root = str(root)
        cfg[loader].num_workers = 0
        cfg[loader].persistent_workers = False
    cfg.train_dataloader.batch_size = 2
    cfg.train_cfg.max_iters = ITERS
    cfg.train_cfg.val_interval = ITERS
    cfg.default_hooks.checkpoint.interval = ITERS
    cfg.default_hooks.logger.interval = 1
    runner = Runner.from_cfg(cfg)
    before = [p.detach().clone() for p in runner.model.parameters()]
    runner.train()
    after = list(runner.model.parameters())
    assert any(not torch.equal(a, b) for a, b in zip(after, before))
    hub = runner.message_hub
    assert math.isfinite(hub.get_scalar('train/loss').current())
    # the 3 real validation slices all hold a tumour, in the size bins
    counts = [hub.get_scalar(f'val/per_image_count.tumor@{b}').current()
              for b in ('<1%', '1-2%', '>=2%')]
    assert sum(counts) == 3
    dice = hub.get_scalar('val/per_image_Dice.tumor').current()
    assert 0 <= dice <= 100
    assert (tmp_path / 'best_Dice.tumor_iter_4.pth').is_file()
