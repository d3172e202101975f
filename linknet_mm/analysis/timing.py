"""Timing of repeated calls: the one loop every benchmark uses."""
import time
from typing import Callable

import numpy as np


def call_times(call: Callable[[], object],
               repeats: int,
               warmup: int = 0) -> np.ndarray:
    """Wall time of each of ``repeats`` calls, after untimed warm-up calls.

    Args:
        call (Callable): Function without arguments.
        repeats (int): Timed calls, >= 1.
        warmup (int): Untimed calls first. Defaults to 0.

    Returns:
        np.ndarray: Seconds of each timed call.
    """
    if repeats < 1:
        raise ValueError(f'repeats must be >= 1, got {repeats}')
    for _ in range(warmup):
        call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return np.asarray(times)


def median_time(call: Callable[[], object],
                repeats: int,
                warmup: int = 2) -> float:
    """Median wall time of a call.

    Args:
        call (Callable): Function without arguments.
        repeats (int): Timed calls, >= 1.
        warmup (int): Untimed calls first. Defaults to 2.

    Returns:
        float: Median seconds per call.
    """
    return float(np.median(call_times(call, repeats, warmup)))
