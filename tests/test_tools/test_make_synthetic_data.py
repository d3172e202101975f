"""tools/misc/make_synthetic_data.py: both subcommands."""
import importlib.util
import os
import sys

import pytest

from conftest import REPO

TOOL = REPO / 'tools' / 'misc' / 'make_synthetic_data.py'


def _run(monkeypatch, *args):
    spec = importlib.util.spec_from_file_location('make_synthetic_data', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(sys, 'argv', [str(TOOL)] + [str(a) for a in args])
    module.main()


def test_make_synthetic_data_cityscapes_pairs(monkeypatch, tmp_path):
    _run(monkeypatch, 'cityscapes_pairs', tmp_path, '--num-train', 2,
         '--num-val', 1, '--seed', 3)
    assert sorted(os.listdir(tmp_path / 'train')) == ['1.jpg', '2.jpg']
    assert os.listdir(tmp_path / 'val') == ['1.jpg']


def test_make_synthetic_data_brain_tumor(monkeypatch, tmp_path):
    _run(monkeypatch, 'brain_tumor', tmp_path, '--num', 2, '--size', 64)
    assert sorted(os.listdir(tmp_path / 'images')) == ['1.png', '2.png']
    assert sorted(os.listdir(tmp_path / 'masks')) == ['1.png', '2.png']


def test_make_synthetic_data_cityscapes_needs_a_subcommand(monkeypatch):
    with pytest.raises(SystemExit):
        _run(monkeypatch)
