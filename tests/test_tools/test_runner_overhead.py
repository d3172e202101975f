"""tools/dev/runner_overhead.py: the Runner against a bare training loop."""
import re

import pytest

from tiny_model import TINY_CONFIG, run_tiny

pytestmark = pytest.mark.slow


def test_runner_overhead_prints_both_loops():
    proc = run_tiny('dev/runner_overhead.py', TINY_CONFIG, '--batch', 2,
                    '--iters', 2, '--warmup', 1, '--workers', 0)
    lines = proc.stdout.splitlines()  # the Runner may log above the table
    lines = lines[next(i for i, line in enumerate(lines)
                       if line.startswith('machine: ')):]
    assert lines[1] == 'batch 2 at 256x256:'
    rows = {name: cells for name, *cells in (re.split(r'  +', line)
                                             for line in lines[3:5])}
    assert set(rows) == {'bare fp32 NCHW loop', 'mmengine Runner'}
    bare, runner = (float(rows[name][0]) for name in rows)
    assert bare > 0 and runner > 0
    ratio = re.search(r'Runner / bare: ([0-9.]+);', lines[5])
    assert float(ratio.group(1)) == pytest.approx(
        runner / bare, rel=0.01)  # 2 decimals


def test_runner_overhead_refuses_zero_iterations():
    proc = run_tiny(
        'dev/runner_overhead.py', TINY_CONFIG, '--iters', 0, check=False)
    assert proc.returncode == 2
    assert '--batch and --iters must be >= 1' in proc.stderr
