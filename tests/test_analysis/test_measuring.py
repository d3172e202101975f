"""Measuring: the timing loop (warm-up untimed, one wall time per call,
median), peak memory per block, other processes' CPU load."""
import itertools

import numpy as np
import pytest

from linknet_mm.analysis import measuring


def test_call_times_counts_and_warms_up(monkeypatch):
    clock = itertools.count(step=0.5)  # every reading 0.5 s later
    monkeypatch.setattr(measuring.time, 'perf_counter', lambda: next(clock))
    calls = []
    times = measuring.call_times(lambda: calls.append(1), repeats=3, warmup=2)
    assert len(calls) == 5
    assert times.tolist() == [0.5, 0.5, 0.5]


def test_median_time(monkeypatch):
    readings = iter([0, 1, 10, 13, 20, 20.5])  # calls of 1, 3, 0.5 s
    monkeypatch.setattr(measuring.time, 'perf_counter', lambda: next(readings))
    assert measuring.median_time(lambda: None, repeats=3, warmup=0) == 1


def test_repeats_must_be_positive():
    with pytest.raises(ValueError, match='repeats must be >= 1, got 0'):
        measuring.call_times(lambda: None, 0)


def test_other_cpu_load_is_the_machine_busy_time_minus_ours(monkeypatch):
    # (wall s, machine busy s, own CPU s): 4 busy s, 1 of them ours, in 2 s
    samples = iter([(0.0, 10.0, 1.0), (2.0, 14.0, 2.0)])
    monkeypatch.setattr(measuring.OtherCpuLoad, '_sample',
                        staticmethod(lambda: next(samples)))
    with measuring.OtherCpuLoad() as other:
        pass
    assert other.cores == 1.5


def test_other_cpu_load_is_unknown_without_proc_stat(monkeypatch):
    monkeypatch.setattr(measuring.OtherCpuLoad, '_sample',
                        staticmethod(lambda: None))
    with measuring.OtherCpuLoad() as other:
        pass
    assert other.cores is None


def test_peak_rss_is_the_peak_of_each_block():
    with measuring.PeakRSS() as big:
        block = np.ones(96 << 20, np.uint8)  # 96 MiB, every page touched
        del block
    with measuring.PeakRSS() as small:
        pass
    if not big.per_block:
        pytest.skip('no per-block peak here (/proc/self/clear_refs)')
    assert big.mib - small.mib >= 90
