"""Shared test helpers."""
from pathlib import Path

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

import linknet_mm  # noqa: F401  registers the plugin

REPO = Path(__file__).resolve().parents[1]
CONFIGS = REPO / 'configs'
REAL_DATA = REPO.parent / 'shared' / 'data' / 'real'


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
