"""tools/analysis_tools/benchmark_label_decoding.py on a few composites."""
import importlib.util
import re
import sys

import cv2
import numpy as np

from conftest import REPO

from linknet_mm.synthetic.cityscapes_pairs import draw_street_scene

TOOL = REPO / 'tools' / 'analysis_tools' / 'benchmark_label_decoding.py'


def test_benchmark_label_decoding_cityscapes(monkeypatch, tmp_path, capsys):
    # A labelId map of the real format (no photo: a grey one is used).
    label_ids = draw_street_scene(np.random.default_rng(0), 512)
    cv2.imwrite(str(tmp_path / 'x_gtFine_labelIds.png'), label_ids)
    spec = importlib.util.spec_from_file_location('benchmark', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # Keep the test process on all cores and threads.
    monkeypatch.setattr(module, 'use_one_core', lambda: None)
    monkeypatch.setattr(sys, 'argv', [
        str(TOOL), '--num', '3', '--runs', '1', '--gtfine-dir',
        str(tmp_path)
    ])
    module.main()
    out = capsys.readouterr().out
    assert re.search(r'label decoding: \d+ composites/s .* CPU time \d+', out)
    rows = re.findall(
        r'(lookup table|nearest palette)\s+([\d.]+)%\s+'
        r'([\d.]+)%', out)
    assert len(rows) == 2 * (1 + 2 * 2 * 2)  # generated + real settings
    for _, total, away in rows:
        assert 50 < float(total) <= 100 and 50 < float(away) <= 100
