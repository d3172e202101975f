"""tools/model_converters: convert the real TFLite file, then check it."""
import torch

from conftest import CONFIGS, MOBILENET_TFLITE, run_tool, shared_weights

CONFIG = CONFIGS / 'linknet' / (
    'linknet_mobilenet-v2-in1k-pre_1xb8-3k_brain-tumor-256x256.py')


def test_convert_then_check(tmp_path):
    src = shared_weights(MOBILENET_TFLITE)
    dst = tmp_path / 'checkpoints' / 'mobilenet.pth'
    out = run_tool('model_converters/mobilenetv2_tflite2mmseg.py', src, dst)
    assert '306 tensors, 1,811,712 backbone parameters' in out.stdout
    assert 'Conv2d_1x1_output' in out.stdout  # the classifier, left out
    assert len(torch.load(dst, weights_only=True)['state_dict']) == 306

    check = run_tool(
        'model_converters/check_mobilenetv2_tflite.py', src, CONFIG,
        shared_weights('bird.rgb'), shared_weights('sunflower.rgb'),
        '--cfg-options', f'model.backbone.init_cfg.checkpoint={dst}')
    assert 'bird.rgb: 20 / 20' in check.stdout  # a chickadee
    assert 'sunflower.rgb: 986 / 986' in check.stdout  # a daisy
    assert 'conversion check: passed' in check.stdout
    assert 'tf_same' in check.stdout


def test_check_fails_on_the_wrong_normalisation(converted_mobilenet):
    check = run_tool(
        'model_converters/check_mobilenetv2_tflite.py',
        shared_weights(MOBILENET_TFLITE), CONFIG,
        shared_weights('bird.rgb'), '--cfg-options',
        f'model.backbone.init_cfg.checkpoint={converted_mobilenet}',
        'model.data_preprocessor.mean=[123.675,116.28,103.53]',
        check=False)
    assert check.returncode == 1
    assert 'conversion check: FAILED' in check.stdout


def test_not_a_tflite_file_is_one_line(tmp_path):
    src = tmp_path / 'model.tflite'
    src.write_text('hello')
    out = run_tool('model_converters/mobilenetv2_tflite2mmseg.py', src,
                   tmp_path / 'out.pth', check=False)
    assert out.returncode == 1
    assert out.stderr.strip().splitlines()[-1].startswith('error: ')
    assert 'model.tflite' in out.stderr and 'Traceback' not in out.stderr
    assert not (tmp_path / 'out.pth').exists()
