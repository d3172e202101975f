"""Scoring the colour decoder: exactness over all pixels and off edges."""
import numpy as np

from linknet_mm.analysis.label_decoding import away_from_edges, exactness


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
