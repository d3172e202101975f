"""tools/analysis_tools/benchmark.py runs and reports every figure."""
import json
import re

import pytest

from linknet_mm.apis import init_segmentor
from linknet_mm.utils import native_bf16
from tiny_model import run_tiny

TINY_SETTINGS = ('--size', 64, 64, '--batch', 2, '--repeats', 1, '--warmup', 1,
                 '--train-iters', 2, '--workers', 0, '--check-num', 3,
                 '--calib-num', 2)
#: FLOPs of the tiny model at 64x64, one multiply-add counted as one.
TINY_FLOPS_64 = 4_909_952


def test_benchmark_writes_every_figure(tiny, tmp_path):
    out = tmp_path / 'bench.json'
    proc = run_tiny('analysis_tools/benchmark.py', tiny.config,
                    tiny.checkpoint, *TINY_SETTINGS, '--onnx', tiny.onnx,
                    '--out', out)
    result = json.loads(out.read_text())
    assert {'cpu', 'cores', 'torch_threads'} <= set(result['machine'])
    model = init_segmentor(str(tiny.config))
    assert result['params'] == sum(p.numel() for p in model.parameters())
    # mmengine's count of the tiny model at 64x64 (a multiply-add is one)
    assert result['flops'] == TINY_FLOPS_64
    rows = {(r['backend'], r['batch']): r for r in result['inference']}
    backends = ['eager', 'optimized', 'onnxruntime', 'int8']
    if native_bf16():
        backends.append('bf16')
    else:
        assert 'bf16 not timed: bf16 is not offered' in proc.stdout
    assert set(rows) == {(b, n) for b in backends for n in (1, 2)}
    # every row's parity against eager fp32, on 3 synthetic test scenes
    parity = result['parity']
    assert set(parity) == {'fp32'} | set(backends) - {'eager'}
    assert parity['fp32']['images'] == 3
    assert parity['optimized']['agreement'] > 0.999
    assert parity['onnxruntime']['max_logit_diff'] < 1e-3
    assert 'quantized here on 2 images' in result['low_precision']['int8']
    assert 'parity: against eager fp32 on 3 test images' in proc.stdout
    for row in rows.values():
        assert row['latency_ms'] > 0 and row['images_per_s'] > 0
        assert row['peak_rss_mib'] > 0
    # each speed-up is that backend's images/s over eager's, per batch
    for (backend, batch), row in rows.items():
        assert result['speedup'][str(batch)][backend] == pytest.approx(
            row['images_per_s'] / rows[('eager', batch)]['images_per_s'])
    training = result['training']
    paths = ['fp32'] + (['amp'] if native_bf16() else [])
    assert list(training['paths']) == paths
    for row in training['paths'].values():
        assert row['images_per_s'] > 0 and 0 <= row['data_share'] < 1
    assert training['config_path'] in paths
    assert training['size'] == [256, 256]  # the tiny config's crop
    assert 'bare' not in training  # tools/dev/runner_overhead.py
    assert set(result['other_cpu_cores']) == {'inference', 'training'}
    assert 'goals' not in result  # acceptance targets are not a user's
    assert result['machine']['cpu_flags'] is not None
    assert 'images/s' in proc.stdout and 'mmengine Runner' in proc.stdout
    assert re.search(r'^fp32 +[0-9.]+ +1\.00 ', proc.stdout, re.M)
