"""tools/misc/make_synthetic_data.py: both subcommands."""
import os

from conftest import run_tool


def _run(monkeypatch, *args, check=True):
    """Run the tool as a user does."""
    return run_tool('misc/make_synthetic_data.py', *args, check=check)


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
    proc = _run(monkeypatch, check=False)
    assert proc.returncode == 2  # argparse's usage error
    assert 'cityscapes_pairs' in proc.stderr
