"""The timing loop: warm-up untimed, one wall time per call, median."""
import itertools

import pytest

from linknet_mm.analysis import timing


def test_call_times_counts_and_warms_up(monkeypatch):
    clock = itertools.count(step=0.5)  # every reading 0.5 s later
    monkeypatch.setattr(timing.time, 'perf_counter', lambda: next(clock))
    calls = []
    times = timing.call_times(lambda: calls.append(1), repeats=3, warmup=2)
    assert len(calls) == 5
    assert times.tolist() == [0.5, 0.5, 0.5]


def test_median_time(monkeypatch):
    readings = iter([0, 1, 10, 13, 20, 20.5])  # calls of 1, 3, 0.5 s
    monkeypatch.setattr(timing.time, 'perf_counter', lambda: next(readings))
    assert timing.median_time(lambda: None, repeats=3, warmup=0) == 1


def test_repeats_must_be_positive():
    with pytest.raises(ValueError, match='repeats must be >= 1, got 0'):
        timing.call_times(lambda: None, 0)
