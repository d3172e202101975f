"""Every config builds, and its model takes one training step."""
import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.structures import PixelData
from mmseg.registry import DATASETS, METRICS, MODELS
from mmseg.structures import SegDataSample

from conftest import CONFIGS, load_config, tool_module

make_brain_tumor = tool_module(
    'misc/synthetic_brain_tumor.py').make_brain_tumor

LEAVES = sorted(p for p in CONFIGS.rglob('*.py') if '_base_' not in p.parts)


def test_the_configs_users_type_exist():
    names = {p.relative_to(CONFIGS).as_posix() for p in LEAVES}
    assert {'linknet_cityscapes.py', 'linknet_brain_tumor.py'} <= names


@pytest.mark.parametrize('path', LEAVES, ids=lambda p: p.stem)
def test_config_carries_plugin_import_and_scope(path):
    cfg = Config.fromfile(str(path))
    assert cfg.custom_imports == dict(
        imports=['linknet_mm'], allow_failed_imports=False)
    assert cfg.default_scope == 'mmseg'
    assert cfg.runner_type == 'SafeRunner'
    assert cfg.model.decode_head.type == 'LinkNetHead'
    assert cfg.model.backbone.init_cfg is None or \
        cfg.model.backbone.init_cfg.type in ('Pretrained', 'StrictPretrained')


@pytest.mark.parametrize('path', LEAVES, ids=lambda p: p.stem)
def test_one_training_step(path):
    cfg = load_config(path)
    model = MODELS.build(cfg.model)
    model.init_weights()
    num_classes = cfg.model.decode_head.num_classes
    inputs = [
        torch.randint(0, 256, (3, 64, 64), dtype=torch.uint8) for _ in range(2)
    ]
    samples = []
    for _ in inputs:
        sample = SegDataSample(
            metainfo=dict(img_shape=(64, 64), ori_shape=(64, 64)))
        sample.gt_sem_seg = PixelData(
            data=torch.randint(0, num_classes, (1, 64, 64)))
        samples.append(sample)
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    before = [p.detach().clone() for p in model.decode_head.parameters()]
    losses = model.train_step(dict(inputs=inputs, data_samples=samples), optim)
    assert all(torch.isfinite(v).all() for v in losses.values())
    after = list(model.decode_head.parameters())
    assert any(not torch.equal(a, b) for a, b in zip(after, before))


def test_brain_tumor_dice_loss_scores_the_tumour():
    cfg = load_config(CONFIGS / 'linknet_brain_tumor.py')
    (dice_cfg, ) = [
        loss for loss in cfg.model.decode_head.loss_decode
        if loss.type == 'DiceLoss'
    ]
    dice = MODELS.build(dice_cfg)
    target = torch.zeros(2, 64, 64, dtype=torch.long)
    target[:, :9, :9] = 1  # a 2 % tumour
    background_only = torch.zeros(2, 2, 64, 64)
    background_only[:, 0] = 5.0
    found = background_only.clone()
    found[:, 1][target == 1] = 10.0
    # a model that misses the tumour is far from the optimum, not ~0.02
    assert dice(background_only, target) > 0.9
    assert dice(found, target) < 0.01


def test_docs_binary_dataset_example_builds(tmp_path):
    """docs/en/add_dataset.md's binary config, as written there."""
    guide = (CONFIGS.parent / 'docs' / 'en' / 'add_dataset.md').read_text()
    start = guide.index('# configs/my_binary.py\n')
    code = guide[start:guide.index('```', start)]
    code = code.replace("'./linknet/", f"'{CONFIGS}/linknet/")
    root = tmp_path / 'my_set'
    make_brain_tumor(str(root), 10, seed=0, size=64)
    code = code.replace("'data/my_set'", f"'{root}'")
    path = tmp_path / 'my_binary.py'
    path.write_text(code)
    cfg = Config.fromfile(str(path))
    dataset = DATASETS.build(cfg.val_dataloader.dataset)
    assert dataset.metainfo['classes'] == ('background', 'crack')
    metric = METRICS.build(cfg.val_evaluator)
    metric.dataset_meta = dataset.metainfo  # 'crack' is known
    assert metric.per_image_classes == ['crack']
    assert dataset[0]['data_samples'].gt_sem_seg.data.max() == 1
