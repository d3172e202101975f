"""tools/analysis_tools/benchmark.py runs and reports every figure."""
import json

import pytest

from tiny_model import run_tiny, tiny_files

TINY_SETTINGS = ('--size', 64, 64, '--batch', 2, '--repeats', 1, '--warmup', 1,
                 '--train-iters', 2, '--workers', 0)


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    return tiny_files(tmp_path_factory)


def test_benchmark_writes_every_figure(tiny, tmp_path):
    out = tmp_path / 'bench.json'
    proc = run_tiny('analysis_tools/benchmark.py', tiny.config,
                    tiny.checkpoint, *TINY_SETTINGS, '--onnx', tiny.onnx,
                    '--out', out)
    result = json.loads(out.read_text())
    assert {'cpu', 'cores', 'torch_threads'} <= set(result['machine'])
    assert result['params'] > 0 and result['flops'] > 0
    rows = {(r['backend'], r['batch']): r for r in result['inference']}
    assert set(rows) == {(b, n)
                         for b in ('eager', 'optimized', 'onnxruntime')
                         for n in (1, 2)}
    for row in rows.values():
        assert row['latency_ms'] > 0 and row['images_per_s'] > 0
        assert row['peak_rss_mib'] > 0
    # each speed-up is that backend's images/s over eager's, per batch
    for (backend, batch), row in rows.items():
        assert result['speedup'][str(batch)][backend] == pytest.approx(
            row['images_per_s'] / rows[('eager', batch)]['images_per_s'])
    training = result['training']
    assert training['runner']['images_per_s'] > 0
    assert 0 <= training['runner']['data_share'] < 1
    assert training['bare']['images_per_s'] > 0
    assert training['runner_vs_bare'] > 0
    assert set(result['other_cpu_cores']) == {'inference', 'training'}
    assert 'goals' not in result  # acceptance targets are not a user's
    assert result['machine']['cpu_flags'] is not None
    assert 'images/s' in proc.stdout and 'mmengine Runner' in proc.stdout
