"""tools/deployment/quantize.py, then tools/infer.py --precision."""
import json

import pytest
import torch
from mmengine.runner import save_checkpoint

from conftest import TINY_BRAIN, load_config
from linknet_mm.apis import init_segmentor
from linknet_mm.deploy.parity_record import precision_files
from linknet_mm.utils import cpu_model, native_bf16
from tiny_model import check_one_line_error, deeper_checkpoint, run_tiny

#: ResNet-18 at 1/8 of its width, as tests/data/configs/tiny_linknet_*.py
NARROW = [
    'model.backbone.stem_channels=8', 'model.backbone.base_channels=8',
    'model.decode_head.in_channels=[8,16,32,64]',
    'model.decode_head.channels=8'
]


@pytest.fixture(scope='module')
def checked(brain_root, tmp_path_factory):
    """A random narrow checkpoint, quantized and checked by the tool."""
    torch.manual_seed(1)
    cfg = load_config(TINY_BRAIN)
    cfg.merge_from_dict(
        dict(
            model=dict(
                backbone=dict(stem_channels=8, base_channels=8),
                decode_head=dict(in_channels=[8, 16, 32, 64], channels=8))))
    model = init_segmentor(cfg)
    checkpoint = tmp_path_factory.mktemp('quantize') / 'model.pth'
    save_checkpoint({
        'state_dict': model.state_dict(),
        'meta': {}
    }, str(checkpoint))
    proc = run_tiny('deployment/quantize.py', TINY_BRAIN, checkpoint,
                    '--calib-dir', brain_root, '--calib-num', 6, '--check-dir',
                    brain_root, '--cfg-options', *NARROW)
    return checkpoint, proc.stdout + proc.stderr


def test_quantize_writes_int8_and_parity_beside_the_checkpoint(checked):
    checkpoint, log = checked
    files = precision_files(str(checkpoint))
    assert open(files['int8'], 'rb').read(2)  # an ONNX file, not empty
    entry = json.load(open(files['parity']))['entries'][-1]
    assert entry['cpu_model'] == cpu_model()
    assert entry['check']['images'] == 4
    assert 'CPU: ' in log and 'recorded in' in log
    expected = ['fp32', 'bf16', 'int8'] if native_bf16() else ['fp32', 'int8']
    assert list(entry['results']) == expected
    for name in expected:
        assert f'\n{name} ' in log
    if not native_bf16():
        assert 'bf16: not offered' in log


def test_infer_in_each_precision(checked, brain_root, tmp_path):
    checkpoint, _ = checked
    image = next((brain_root / 'images').iterdir())
    entry = json.load(open(precision_files(str(checkpoint))['parity']))
    results = entry['entries'][-1]['results']
    passed = {k: v['ms_per_image'] for k, v in results.items() if v['ok']}
    for precision in ['auto', 'int8']:
        out = tmp_path / precision
        proc = run_tiny('infer.py', TINY_BRAIN, checkpoint, image, '--out-dir',
                        out, '--precision', precision, '--cfg-options',
                        *NARROW)
        assert (out / 'masks' / image.name).is_file()
        if precision == 'auto':
            chosen = min(passed, key=passed.get)
            assert f'--precision auto: {chosen} (' in proc.stdout + \
                proc.stderr


@pytest.mark.parametrize('case', ['deeper encoder', 'empty calibration'])
def test_refused_in_one_line_before_the_export(brain_root, tmp_path, case):
    checkpoint = tmp_path / 'model.pth'
    if case == 'deeper encoder':
        deeper_checkpoint(checkpoint, TINY_BRAIN)
        calib = brain_root
        parts = [f'checkpoint {checkpoint} does not fit', str(TINY_BRAIN),
                 'imply a ResNet-34 backbone']
    else:
        model = init_segmentor(load_config(TINY_BRAIN))
        save_checkpoint({'state_dict': model.state_dict()}, str(checkpoint))
        calib = tmp_path / 'empty'
        for sub in ('images', 'masks'):
            (calib / sub).mkdir(parents=True)
        parts = [str(calib / 'images')]
    proc = run_tiny('deployment/quantize.py', TINY_BRAIN, checkpoint,
                    '--calib-dir', calib, '--check-dir', brain_root,
                    '--precisions', 'int8', check=False)
    check_one_line_error(proc, *parts)
    assert '[torch.onnx]' not in proc.stdout + proc.stderr  # no export ran
    assert not list(tmp_path.glob('model.int8.onnx'))
