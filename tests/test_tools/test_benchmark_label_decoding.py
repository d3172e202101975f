"""tools/analysis_tools/benchmark_label_decoding.py on a few composites,
and its scores (label_decoding_scores.py): exactness over all pixels and
off edges, the JPEG noise of real colour maps."""
import re

import cv2
import numpy as np

from conftest import real_data, run_tool, tool_module

from linknet_mm.datasets.cityscapes_color_decoder import \
    CityscapesColorDecoder

draw_street_scene = tool_module(
    'misc/synthetic_cityscapes_pairs.py').draw_street_scene

scores = tool_module('analysis_tools/label_decoding_scores.py')
away_from_edges, exactness = scores.away_from_edges, scores.exactness
recompression_noise = scores.recompression_noise


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


def test_away_from_edges_and_exactness():
    truth = np.zeros((6, 6), np.uint8)
    truth[:, 3:] = 1
    away = away_from_edges(truth)
    assert away[:, [0, 1, 4, 5]].all() and not away[:, [2, 3]].any()
    decoded = truth.copy()
    decoded[0, 2] = 1  # an edge pixel wrong
    valid = np.ones_like(away)
    valid[5] = False
    assert exactness(decoded, truth, valid) == (29, 30, 20, 20)


def test_recompression_noise_on_real_pairs():
    paths = sorted(str(p) for p in
                   real_data('cityscapes_pairs').joinpath('val').glob('*.jpg'))
    decoder = CityscapesColorDecoder()
    # a decoder that ignores its input moves nothing: 100 %, every class
    # it reports present in both
    same, miou = recompression_noise(
        paths, lambda color: np.zeros(color.shape[:2], np.uint8), 75)
    assert same == 100.0 and miou == 100.0
    low = recompression_noise(paths, decoder, 50)
    high = recompression_noise(paths, decoder, 95)
    # edges move, areas do not: most pixels keep their label, and a
    # harsher second compression moves more of them
    assert 95.0 < low[0] < high[0] < 100.0
    assert 50.0 < low[1] < high[1] < 100.0
