"""The entry-point Cityscapes recipe on real Kaggle pairs.

The 12 real val composites of ../shared/data/real/cityscapes_pairs go
through ``configs/linknet_cityscapes.py``'s own dataset, pipelines and
class-weighted loss: the decoded labels are real street layouts, and two
training iterations and a validation run end to end.
"""
import math

import numpy as np
import pytest
import torch
from mmengine.runner import Runner
from mmseg.registry import DATASETS

from conftest import CONFIGS, load_config, real_data

pytestmark = pytest.mark.slow

ENTRY = CONFIGS / 'linknet_cityscapes.py'
#: trainIds every real street scene of the 12 shows somewhere: road,
#: building, vegetation, car.
COMMON = (0, 2, 8, 13)


def _config(root, work_dir):
    cfg = load_config(ENTRY)
    cfg.work_dir = str(work_dir)
    for loader in ('train_dataloader', 'val_dataloader'):
        cfg[loader].dataset.data_root = str(root)
        cfg[loader].dataset.data_prefix = dict(img_path='val')
        cfg[loader].num_workers = 0
        cfg[loader].persistent_workers = False
    cfg.test_dataloader = cfg.val_dataloader
    return cfg


def test_train_pipeline_decodes_real_layouts(tmp_path):
    cfg = _config(real_data('cityscapes_pairs'), tmp_path)
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    assert len(dataset) == 12
    seen = set()
    for idx in range(len(dataset)):
        sample = dataset[idx]
        labels = sample['data_samples'].gt_sem_seg.data.numpy()
        # scaled by 0.5-2 and cropped to at most 256x256 (the data
        # preprocessor pads to 256x256)
        channels, height, width = sample['inputs'].shape
        assert channels == 3 and 128 <= height <= 256 and 128 <= width <= 256
        assert labels.shape == (1, height, width)
        values = set(np.unique(labels).tolist())
        assert values <= set(range(19)) | {255}, values
        seen |= values
    assert set(COMMON) <= seen


def test_val_labels_are_mostly_decoded(tmp_path):
    cfg = _config(real_data('cityscapes_pairs'), tmp_path)
    dataset = DATASETS.build(cfg.val_dataloader.dataset)
    labelled = [
        (dataset[i]['data_samples'].gt_sem_seg.data != 255).float().mean()
        for i in range(len(dataset))
    ]
    # void colours (ego vehicle, out of roi, ...) are the rest
    assert min(labelled) > 0.6 and float(np.mean(labelled)) > 0.8


def test_two_iterations_and_validation_on_real_pairs(tmp_path):
    cfg = _config(real_data('cityscapes_pairs'), tmp_path)
    cfg.model.backbone.init_cfg = None  # no download in tests
    cfg.train_dataloader.batch_size = 2
    cfg.train_cfg.max_iters = 2
    cfg.train_cfg.val_interval = 2
    cfg.default_hooks.checkpoint.interval = 2
    cfg.default_hooks.logger.interval = 1
    runner = Runner.from_cfg(cfg)
    assert type(runner.model.decode_head.loss_decode).__name__ == \
        'ClassWeightedCrossEntropyLoss'
    before = [p.detach().clone() for p in runner.model.parameters()]
    runner.train()
    assert any(not torch.equal(a, b)
               for a, b in zip(runner.model.parameters(), before))
    hub = runner.message_hub
    assert math.isfinite(hub.get_scalar('train/loss').current())
    miou = hub.get_scalar('val/mIoU').current()
    assert 0 <= miou <= 100
    assert (tmp_path / 'iter_2.pth').is_file()
