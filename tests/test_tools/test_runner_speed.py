"""What the speed tools measure with: the timing loop (warm-up untimed,
median), peak memory per block, other processes' CPU load."""
import numpy as np
import pytest

from conftest import tool_module

speed = tool_module('analysis_tools/runner_speed.py')


def test_median_seconds_warms_up_untimed(monkeypatch):
    calls = []
    timed = iter([1.0, 3.0, 0.5])  # seconds of the three timed calls
    monkeypatch.setattr(speed.timeit, 'repeat',
                        lambda call, number, repeat: [
                            call() or next(timed) for _ in range(repeat)])
    seconds = speed.median_seconds(lambda: calls.append(1), 3, warmup=2)
    assert len(calls) == 5
    assert seconds == 1.0


def test_other_cpu_load_is_the_machine_busy_time_minus_ours(monkeypatch):
    # (wall s, machine busy s, own CPU s): 4 busy s, 1 of them ours, in 2 s
    samples = iter([(0.0, 10.0, 1.0), (2.0, 14.0, 2.0)])
    monkeypatch.setattr(speed, '_cpu_sample', lambda: next(samples))
    with speed.OtherCpuLoad() as other:
        pass
    assert other.cores == 1.5


def test_other_cpu_load_is_unknown_without_proc_stat(monkeypatch):
    monkeypatch.setattr(speed, '_cpu_sample', lambda: None)
    with speed.OtherCpuLoad() as other:
        pass
    assert other.cores is None


def test_peak_rss_is_the_peak_of_each_block():
    with speed.PeakRSS() as big:
        block = np.ones(96 << 20, np.uint8)  # 96 MiB, every page touched
        del block
    with speed.PeakRSS() as small:
        pass
    if not big.per_block:
        pytest.skip('no per-block peak here (/proc/self/clear_refs)')
    assert big.mib - small.mib >= 90
