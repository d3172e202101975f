"""What every benchmark measures with: timed calls, peak memory, and
how busy other processes kept the machine."""
import os
import resource
import time
from typing import Callable, Optional, Tuple

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


class PeakRSS:
    """Peak resident memory of this process over a block, in MiB.

    On Linux the peak (``VmHWM``) is reset at the start of the block by
    writing 5 to ``/proc/self/clear_refs``, so each block reports its own
    peak. Elsewhere, or if the reset is refused, ``resource.getrusage``'s
    lifetime maximum is reported and ``per_block`` is False. Memory of
    child processes (DataLoader workers) is not included.

    Examples:
        >>> with PeakRSS() as peak:
        ...     run()
        >>> peak.mib
    """

    def __init__(self) -> None:
        self.mib = 0.0
        self.per_block = False

    def __enter__(self) -> 'PeakRSS':
        try:
            with open('/proc/self/clear_refs', 'w') as f:
                f.write('5')
            self.per_block = True
        except OSError:
            self.per_block = False
        return self

    def __exit__(self, *exc_info) -> None:
        self.mib = self.current_peak() if self.per_block else \
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    @staticmethod
    def current_peak() -> float:
        """``VmHWM`` of /proc/self/status in MiB."""
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) / 1024
        raise OSError('/proc/self/status has no VmHWM line')


class OtherCpuLoad:
    """CPU cores other processes kept busy over a block, on average.

    The machine's busy time (``/proc/stat``) minus this process's and its
    reaped children's (``os.times``), divided by the wall time. Around 0 on
    an otherwise idle machine; timings taken while it is well above 0 are
    slowed by the competition (PyTorch's intra-op threads suffer most: a
    thread that loses its core stalls every parallel operator). ``cores``
    is None where ``/proc/stat`` does not exist.

    Examples:
        >>> with OtherCpuLoad() as other:
        ...     run()
        >>> other.cores
    """

    def __init__(self) -> None:
        self.cores: Optional[float] = None
        self._start: Optional[Tuple[float, float, float]] = None

    @staticmethod
    def _sample() -> Optional[Tuple[float, float, float]]:
        """(wall s, machine busy s, own CPU s), None without /proc/stat."""
        if not os.path.exists('/proc/stat'):
            return None
        with open('/proc/stat') as f:
            fields = [float(v) for v in f.readline().split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        ticks = os.sysconf('SC_CLK_TCK')
        own = os.times()
        return (time.monotonic(), (sum(fields[:8]) - idle) / ticks, own.user +
                own.system + own.children_user + own.children_system)

    def __enter__(self) -> 'OtherCpuLoad':
        self._start = self._sample()
        return self

    def __exit__(self, *exc_info) -> None:
        end = self._sample()
        if self._start is None or end is None:
            return
        wall = end[0] - self._start[0]
        others = (end[1] - self._start[1]) - (end[2] - self._start[2])
        self.cores = max(others, 0.0) / max(wall, 1e-9)
