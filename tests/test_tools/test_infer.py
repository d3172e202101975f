"""tools/infer.py on images, folders and videos, with both backends."""
import cv2
import numpy as np
import pytest

from tiny_model import foreign_onnx, run_tiny, tiny_files

SIZES = {
    'a.png': (67, 93),
    'sub/b.jpg': (120, 160),
    'sub/deeper/c.png': (40, 40)
}


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    return tiny_files(tmp_path_factory)


@pytest.fixture
def folder(tmp_path):
    rng = np.random.default_rng(0)
    root = tmp_path / 'photos'
    for name, (h, w) in SIZES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(
            str(root / name), rng.integers(0, 256, (h, w, 3), np.uint8))
    (root / 'sub' / 'broken.png').write_bytes(b'not an image')
    return root


def test_folder_masks_overlays_and_unreadable_images(tiny, folder, tmp_path):
    out = tmp_path / 'out'
    proc = run_tiny('infer.py', tiny.config, tiny.checkpoint, folder,
                    '--out-dir', out, '--batch-size', 2)
    log = proc.stdout + proc.stderr
    assert 'broken.png' in log and '1 unreadable image(s) skipped' in log
    assert 'segmented 3 image(s)' in log
    for name, hw in SIZES.items():
        stem = name.rsplit('.', 1)[0]
        mask = cv2.imread(
            str(out / 'masks' / f'{stem}.png'), cv2.IMREAD_UNCHANGED)
        assert mask.shape == hw and mask.dtype == np.uint8
        assert mask.max() < 19
        painted = cv2.imread(str(out / 'overlays' / f'{stem}.png'))
        assert painted.shape == hw + (3, )


def test_video_with_onnxruntime(tiny, tmp_path):
    video = tmp_path / 'clip.mp4'
    writer = cv2.VideoWriter(
        str(video), cv2.VideoWriter_fourcc(*'mp4v'), 10, (96, 64))
    rng = np.random.default_rng(0)
    for _ in range(4):
        writer.write(rng.integers(0, 256, (64, 96, 3), np.uint8))
    writer.release()
    out = tmp_path / 'out'
    run_tiny('infer.py', tiny.config, '-', video, '--out-dir', out,
             '--backend', 'onnxruntime', '--onnx', tiny.onnx)
    capture = cv2.VideoCapture(str(out / 'clip.mp4'))
    assert capture.isOpened()
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 4
    ok, frame = capture.read()
    assert ok and frame.shape == (64, 96, 3)
    assert len(list((out / 'masks' / 'clip').glob('*.png'))) == 4


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
