"""Shared test helpers and fixtures."""
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import save_checkpoint

import linknet_mm  # noqa: F401  registers the plugin

REPO = Path(__file__).resolve().parents[1]
CONFIGS = REPO / 'configs'
REAL_DATA = REPO.parent / 'shared' / 'data' / 'real'
WEIGHTS = REPO.parent / 'shared' / 'data' / 'weights'
#: TensorFlow's ImageNet MobileNetV2, int8 (see WEIGHTS / 'SOURCES.md').
MOBILENET_TFLITE = 'tf2_mobilenet_v2_1.0_224_ptq.tflite'
#: DeepLabV3's MobileNetV2, COCO then PASCAL VOC (uint8 per tensor, TF1).
DEEPLAB_TFLITE = 'deeplabv3_mnv2_pascal_quant.tflite'
TINY_BRAIN = REPO / 'tests' / 'data' / 'configs' / 'tiny_brain_tumor.py'
TINY = REPO / 'tests' / 'data' / 'configs' / 'tiny_linknet_cityscapes.py'
#: What pip installs into site-packages with linknet_mm (see setup.py).
STARTUP_FILE = 'linknet_mm_mmcv_hook.pth'
STARTUP_LINE = 'import linknet_mm_mmcv_hook; linknet_mm_mmcv_hook.install()\n'


def _share_cores() -> None:
    """Under pytest-xdist, give each worker its share of the cores.

    Every worker (and each tool it starts, through ``OMP_NUM_THREADS``)
    would otherwise run as many threads as there are cores, and threads
    that lose their core stall every parallel operator.
    """
    workers = int(os.environ.get('PYTEST_XDIST_WORKER_COUNT', '1'))
    if workers <= 1:
        return
    cores = len(os.sched_getaffinity(0)) if hasattr(
        os, 'sched_getaffinity') else os.cpu_count()
    threads = max(1, cores // workers)
    os.environ['OMP_NUM_THREADS'] = str(threads)
    torch.set_num_threads(threads)


_share_cores()


@pytest.fixture(autouse=True)
def _mmseg_scope():
    init_default_scope('mmseg')


def load_config(path: Path, **options) -> Config:
    """Load a config with pretrained weights off (tests never download)."""
    cfg = Config.fromfile(str(path))
    cfg.model.backbone.init_cfg = None
    cfg.merge_from_dict(options)
    return cfg


def real_data(name: str) -> Path:
    """A folder of ../shared/data/real; the test is skipped without it."""
    folder = REAL_DATA / name
    if not folder.is_dir():
        pytest.skip(f'real sample data not found at {folder}')
    return folder


def shared_weights(name: str) -> Path:
    """A file of ../shared/data/weights; the test is skipped without it."""
    path = WEIGHTS / name
    if not path.is_file():
        pytest.skip(f'shared weights not found at {path}')
    return path


@pytest.fixture(scope='session')
def converted_mobilenet(tmp_path_factory) -> Path:
    """The real TFLite MobileNetV2 converted to an mmseg checkpoint."""
    converter = tool_module('model_converters/mobilenetv2_tflite2mmseg.py')
    path = tmp_path_factory.mktemp('converted') / 'mobilenet_v2.pth'
    converter.convert_mobilenetv2_tflite(
        str(shared_weights(MOBILENET_TFLITE)), str(path))
    return path


@pytest.fixture(scope='session')
def brain_root(tmp_path_factory) -> Path:
    """20 generated 128x128 brain-tumor pairs: 12 train, 4 val, 4 test."""
    root = tmp_path_factory.mktemp('brain_tumor')
    tool_module('misc/synthetic_brain_tumor.py').make_brain_tumor(
        str(root), 20, seed=0, size=128)
    return root


@pytest.fixture(scope='session')
def tiny(tmp_path_factory):
    """The tiny model's config, checkpoint and ONNX export
    (:func:`tiny_model.tiny_files`)."""
    from tiny_model import tiny_files
    return tiny_files(tmp_path_factory)


@pytest.fixture(scope='session')
def tiny_checkpoint(tmp_path_factory) -> Path:
    """Random weights (seed 0) of the tiny Cityscapes-pairs LinkNet."""
    from linknet_mm.apis import init_segmentor
    torch.manual_seed(0)
    model = init_segmentor(TINY)
    path = tmp_path_factory.mktemp('ckpt') / 'tiny.pth'
    save_checkpoint({'state_dict': model.state_dict(), 'meta': {}}, str(path))
    return path


def tool_module(relative: str):
    """Import a module of ``tools/`` (code that only tools use) by path.

    The module's folder goes first on ``sys.path``, as it is when its tool
    runs as a script, so its imports of sibling modules resolve the same
    way; module names are therefore unique across ``tools/``.

    Args:
        relative (str): Path under ``tools/``, e.g.
            ``'analysis_tools/benchmark.py'``.
    """
    path = REPO / 'tools' / relative
    if not path.is_file():
        raise FileNotFoundError(f'no tool module {path}')
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))
    return importlib.import_module(path.stem)


def run_tool(*args, env=None, timeout=600, check=True):
    """Run ``tools/<args[0]>`` (python or bash) from the repo root.

    Returns:
        subprocess.CompletedProcess: With stdout and stderr as text.
    """
    tool = str(args[0])
    cmd = ['bash'] if tool.endswith('.sh') else [sys.executable]
    cmd += [str(REPO / 'tools' / tool)] + [str(a) for a in args[1:]]
    full_env = dict(os.environ, PYTHON=sys.executable, **(env or {}))
    proc = subprocess.run(
        cmd,
        cwd=REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f'{cmd} failed ({proc.returncode}):\n'
                             f'{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}')
    return proc


#: Test folders whose tests run tools end to end or train: marked ``slow``
#: (``pytest -m "not slow"`` leaves them out; CI runs everything).
SLOW_FOLDERS = ('test_tools', 'test_integration')


def pytest_collection_modifyitems(items):
    """Mark the tests of :data:`SLOW_FOLDERS` as slow."""
    for item in items:
        if set(SLOW_FOLDERS) & set(item.path.parts):
            item.add_marker(pytest.mark.slow)
