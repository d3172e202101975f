"""Scoring the colour decoder: exactness over all pixels and off edges."""
import numpy as np

from conftest import real_data

from linknet_mm.analysis.label_decoding import (away_from_edges, exactness,
                                                recompression_noise)
from linknet_mm.datasets.cityscapes_color_decoder import \
    CityscapesColorDecoder


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
