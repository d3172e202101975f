"""The GPU switches of docs/en/train_test.md on a CPU: compile, SyncBN,
TensorBoard.

``compile=True`` (inductor) takes minutes on CPU, so the run here uses
dynamo with the eager backend: the model's ``train_step`` is traced by
``torch.compile`` through mmengine's switch for two iterations, which is
what breaks when a model does not compile.
"""
import importlib.util

import pytest
import torch
from mmengine.model import convert_sync_batchnorm
from mmengine.registry import VISUALIZERS
from mmengine.runner import Runner
from mmseg.registry import MODELS

from conftest import TINY, load_config, tool_module

make_cityscapes_pairs = tool_module(
    'misc/synthetic_cityscapes_pairs.py').make_cityscapes_pairs


def test_compile_runs_two_iterations(tmp_path):
    root = tmp_path / 'data'
    make_cityscapes_pairs(str(root), num_train=4, num_val=1, seed=0)
    cfg = load_config(TINY, data_root=str(root))
    cfg.train_dataloader.dataset.data_root = str(root)
    cfg.work_dir = str(tmp_path / 'run')
    cfg.compile = dict(backend='eager')
    cfg.train_cfg = dict(
        type='IterBasedTrainLoop', max_iters=2, val_interval=100)
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=100)
    cfg.val_dataloader = cfg.val_evaluator = cfg.val_cfg = None
    cfg.test_dataloader = cfg.test_evaluator = cfg.test_cfg = None
    cfg.param_scheduler = []
    torch._dynamo.reset()
    counters = torch._dynamo.utils.counters
    counters.clear()
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 2
    # dynamo traced the model: at least one graph was captured
    assert counters['stats']['unique_graphs'] >= 1


def test_sync_bn_converts_every_batchnorm():
    model = MODELS.build(load_config(TINY).model)
    norms = sum(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules())
    converted = convert_sync_batchnorm(model, 'torch')
    assert norms > 20
    assert sum(
        isinstance(m, torch.nn.SyncBatchNorm)
        for m in converted.modules()) == norms


def test_tensorboard_backend_needs_its_extra(tmp_path):
    visualizer = VISUALIZERS.build(
        dict(
            type='SegLocalVisualizer',
            name='tensorboard_switch',
            vis_backends=[dict(type='TensorboardVisBackend')],
            save_dir=str(tmp_path)))
    if importlib.util.find_spec('tensorboard') is None:
        with pytest.raises(ImportError, match='tensorboard'):
            visualizer.add_scalars(dict(loss=1.0), step=1)
        return
    visualizer.add_scalars(dict(loss=1.0), step=1)
    assert list(tmp_path.rglob('events.out.tfevents.*'))
