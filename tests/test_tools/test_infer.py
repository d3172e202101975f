"""tools/infer.py on images, folders and videos, with both backends."""
import cv2
import numpy as np
import pytest

from inference_inputs import (check_clip_results, check_folder_results,
                              write_clip, write_photo_folder)
from tiny_model import (check_one_line_error, deeper_checkpoint, foreign_onnx,
                        run_tiny)


@pytest.fixture
def folder(tmp_path):
    return write_photo_folder(tmp_path / 'photos')


def test_folder_masks_overlays_and_unreadable_images(tiny, folder, tmp_path):
    out = tmp_path / 'out'
    proc = run_tiny('infer.py', tiny.config, tiny.checkpoint, folder,
                    '--out-dir', out, '--batch-size', 2)
    log = proc.stdout + proc.stderr
    assert 'broken.png' in log and '1 unreadable image(s) skipped' in log
    assert 'segmented 3 image(s)' in log
    check_folder_results(out)


def test_video_with_onnxruntime(tiny, tmp_path):
    video = write_clip(tmp_path / 'clip.mp4')
    out = tmp_path / 'out'
    run_tiny('infer.py', tiny.config, '-', video, '--out-dir', out,
             '--backend', 'onnxruntime', '--onnx', tiny.onnx)
    check_clip_results(out)


@pytest.mark.parametrize('kind', ['video', 'checkpoint', 'onnx'])
def test_clear_errors(tiny, tmp_path, kind):
    image = tmp_path / 'a.png'
    cv2.imwrite(str(image), np.zeros((32, 32, 3), np.uint8))
    if kind == 'video':
        bad = tmp_path / 'broken.mp4'
        bad.write_bytes(b'not a video')
        args = [tiny.checkpoint, bad]
        message = f'error: cannot open video {bad}'
    elif kind == 'checkpoint':
        args = [
            tiny.checkpoint, image, '--cfg-options',
            'model.decode_head.num_classes=5'
        ]
        message = 'decode_head.conv_seg.weight: checkpoint (8, 19, 2, 2) ' \
                  'vs model (8, 5, 2, 2)'
    else:
        onnx_file = foreign_onnx(tmp_path / 'other.onnx', 3, 2)
        args = ['-', image, '--backend', 'onnxruntime', '--onnx', onnx_file]
        message = 'outputs 2 classes but'
    args += ['--out-dir', tmp_path / 'out']
    proc = run_tiny('infer.py', tiny.config, *args, check=False)
    assert proc.returncode != 0
    assert message in proc.stderr
    assert 'Traceback' not in proc.stderr


def test_a_checkpoint_of_a_deeper_encoder_is_refused(tiny, tmp_path):
    checkpoint = deeper_checkpoint(tmp_path / 'r34.pth')
    image = tmp_path / 'a.png'
    cv2.imwrite(str(image), np.zeros((32, 32, 3), np.uint8))
    out = tmp_path / 'out'
    proc = run_tiny('infer.py', tiny.config, checkpoint, image, '--out-dir',
                    out, check=False)
    check_one_line_error(
        proc, f'checkpoint {checkpoint} does not fit the model of '
        f'{tiny.config}: 80 tensors differ (80 unexpected)',
        'imply a ResNet-34 backbone, the config builds ResNet-18',
        'partial_load=True')
    assert not (out / 'masks').exists()
    proc = run_tiny('infer.py', tiny.config, checkpoint, image, '--out-dir',
                    out, '--cfg-options', 'partial_load=True')
    assert 'partial_load=True: checkpoint' in proc.stdout + proc.stderr
    assert (out / 'masks' / 'a.png').is_file()


def test_nothing_to_segment_exits_non_zero(tiny, tmp_path):
    # a folder of unreadable files: test_result_writer checks check_input
    source = tmp_path / 'slice.png'
    cv2.imwrite(str(source), np.full((16, 16), 4000, np.uint16))
    message = f'input {source} is a 16-bit PNG'
    proc = run_tiny('infer.py', tiny.config, tiny.checkpoint, source,
                    '--out-dir', tmp_path / 'out', check=False)
    check_one_line_error(proc, message)
    assert 'segmented' not in proc.stdout + proc.stderr
