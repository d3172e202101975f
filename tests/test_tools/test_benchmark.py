"""tools/analysis_tools/benchmark.py runs and reports every figure."""
import json
import re

import pytest

from conftest import TINY, load_config, tool_module
from linknet_mm.apis import init_segmentor
from linknet_mm.errors import ConfigError
from linknet_mm.utils import native_bf16
from tiny_model import run_tiny

backends = tool_module('analysis_tools/benchmark_backends.py')
table = tool_module('analysis_tools/benchmark_table.py')

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
        assert row['x_eager'] == pytest.approx(
            row['images_per_s'] / rows[('eager', batch)]['images_per_s'])
    training = result['training']
    paths = ['fp32'] + (['amp'] if native_bf16() else [])
    assert list(training['paths']) == paths
    for row in training['paths'].values():
        assert row['images_per_s'] > 0 and 0 <= row['data_share'] < 1
    assert training['size'] == [256, 256]  # the tiny config's crop
    assert 'bare' not in training  # tools/dev/runner_overhead.py
    assert set(result['other_cpu_cores']) == {'inference', 'training'}
    assert 'goals' not in result  # acceptance targets are not a user's
    assert result['machine']['cpu_flags'] is not None
    assert 'images/s' in proc.stdout and 'mmengine Runner' in proc.stdout
    assert re.search(r'^fp32 +[0-9.]+ +1\.00 ', proc.stdout, re.M)


def test_check_data_is_the_given_folder_or_generated_scenes(tmp_path):
    cfg = load_config(TINY)
    assert backends.check_data(cfg, 'data/x', str(tmp_path), 2, 3) == 'data/x'
    assert list(tmp_path.iterdir()) == []
    root = backends.check_data(cfg, None, str(tmp_path), 2, 3)
    assert root == str(tmp_path / 'check_data')
    assert len(list((tmp_path / 'check_data' / 'train').iterdir())) == 2
    assert len(list((tmp_path / 'check_data' / 'val').iterdir())) == 3


def test_a_dataset_without_a_generator_asks_for_check_dir(tmp_path):
    cfg = load_config(TINY)
    cfg.train_dataloader.dataset.type = 'ADE20KDataset'
    with pytest.raises(ConfigError, match='--check-dir.*--no-low-precision'):
        backends.check_data(cfg, None, str(tmp_path), 2, 3)


def test_parity_notes_state_the_criteria_and_each_refusal():
    fp32 = dict(images=3, mIoU=40.0, ok=True, verdict='reference',
                agreement_floor=0.97)
    int8 = dict(ok=False, verdict='int8 refused: mIoU 39.00 vs fp32 40.00 '
                '(-1.00, tolerance 0.50)')
    notes = table.parity_notes(dict(
        parity=dict(fp32=fp32, optimized=dict(ok=True), int8=int8),
        parity_data='synthetic data',
        low_precision=dict(int8='quantized here', bf16='offered')))
    assert notes[0].endswith('ok = |dmIoU| <= 0.5, then agreement >= '
                             "97.000 % (1 - fp32's near-ties)")
    assert notes[1:] == ['int8: quantized here', int8['verdict']]
