"""tools/analysis_tools/benchmark_label_decoding.py on a few composites."""
import re

import cv2
import numpy as np

from conftest import real_data, run_tool, tool_module


draw_street_scene = tool_module(
    'misc/synthetic_cityscapes_pairs.py').draw_street_scene


def test_benchmark_label_decoding_cityscapes(tmp_path):
    # A labelId map of the real format (no photo: a grey one is used).
    label_ids = draw_street_scene(np.random.default_rng(0), 512)
    cv2.imwrite(str(tmp_path / 'x_gtFine_labelIds.png'), label_ids)
    out = run_tool('analysis_tools/benchmark_label_decoding.py', '--num', 3,
                   '--runs', 1, '--gtfine-dir', tmp_path).stdout
    assert re.search(r'^CPU: .+, \d+ cores?; ', out, re.MULTILINE)
    assert re.search(r'label decoding: \d+ composites/s .* CPU time \d+', out)
    rows = re.findall(
        r'(lookup table|nearest palette)\s+([\d.]+)%\s+'
        r'([\d.]+)%', out)
    assert len(rows) == 2 * (1 + 2 * 2 * 2)  # generated + real settings
    for _, total, away in rows:
        assert 50 < float(total) <= 100 and 50 < float(away) <= 100


def test_benchmark_label_decoding_jpeg_noise_of_real_pairs():
    pairs = real_data('cityscapes_pairs') / 'val'
    out = run_tool('analysis_tools/benchmark_label_decoding.py', '--num', 2,
                   '--runs', 1, '--pairs-dir', pairs, '--requality', 60,
                   90).stdout
    assert f'(12 composites from {pairs})' in out
    rows = re.findall(r'JPEG (\d+): ([\d.]+)% of labelled pixels unchanged, '
                      r'mIoU ([\d.]+)', out)
    assert [int(q) for q, _, _ in rows] == [60, 90]
    (_, same60, miou60), (_, same90, miou90) = rows
    assert 90 < float(same60) < float(same90) < 100
    assert float(miou60) < float(miou90) < 100
