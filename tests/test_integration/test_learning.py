"""LinkNet learns: a short CPU training run beats chance by far.

Chance here: the generated validation scenes are about one third road, and
a model that predicts one class everywhere scores that class's IoU (~30 %)
divided by the ~12 classes present: mIoU ~3 %. A model that learned the
scene layout gets the large classes (road, building, sky, vegetation,
sidewalk) right after 200 iterations (~21 % mIoU seen), so the threshold
of 15 % mIoU, five times chance, is far from what a broken label mapping
gives (see the second test).
"""
import pytest
from mmengine.runner import Runner
from mmseg.registry import TRANSFORMS

from conftest import CONFIGS, load_config
from linknet_mm.synthetic.cityscapes_pairs import \
    make_cityscapes_pairs

pytestmark = pytest.mark.slow

QUICKSTART = CONFIGS / 'linknet' / \
    'linknet_r18_1xb8-600_synthetic-cityscapes-pairs-128x128.py'
ITERS = 200
MIN_MIOU = 15.0


@TRANSFORMS.register_module()
class AllRoadForTest:
    """A broken label mapping: every pixel becomes class 0 (road)."""

    def __call__(self, results: dict) -> dict:
        results['gt_seg_map'] = results['gt_seg_map'] * 0
        return results


@pytest.fixture(scope='module')
def cityscapes_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('cityscapes_pairs')
    make_cityscapes_pairs(str(root), num_train=64, num_val=16, seed=0)
    return root


def _train(root, work_dir, break_labels=False) -> dict:
    cfg = load_config(QUICKSTART, data_root=str(root))
    cfg.work_dir = str(work_dir)
    pipeline = cfg.train_dataloader.dataset.pipeline
    if break_labels:
        pipeline.insert(2, dict(type='AllRoadForTest'))
    for loader in ('train_dataloader', 'val_dataloader'):
        cfg[loader].dataset.data_root = str(root)
        cfg[loader].num_workers = 0
        cfg[loader].persistent_workers = False
    cfg.train_cfg.max_iters = ITERS
    cfg.train_cfg.val_interval = ITERS
    cfg.param_scheduler[0].end = ITERS
    cfg.default_hooks.checkpoint.interval = ITERS
    cfg.default_hooks.logger.interval = 50
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner.message_hub.get_scalar('val/mIoU').current()


def test_linknet_learns_generated_scenes(cityscapes_root, tmp_path):
    assert _train(cityscapes_root, tmp_path) >= MIN_MIOU


def test_broken_label_mapping_does_not_pass(cityscapes_root, tmp_path):
    assert _train(cityscapes_root, tmp_path, break_labels=True) < MIN_MIOU
