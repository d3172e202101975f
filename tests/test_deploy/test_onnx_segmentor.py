"""The ONNX Runtime backend: same labels as PyTorch (its logits: the export
tool's --check, test_deployment.py), files of another model refused naming
the backend."""
import numpy as np
import pytest

from linknet_mm.apis import init_segmentor, segment
from linknet_mm.deploy import OnnxSegmentor
from linknet_mm.errors import BackendMismatchError
from tiny_model import foreign_onnx

pytestmark = pytest.mark.slow


@pytest.fixture(scope='module')
def model(tiny):
    return init_segmentor(tiny.config, str(tiny.checkpoint))


def test_onnx_runtime_segments_like_pytorch(tiny, model):
    runtime = OnnxSegmentor(str(tiny.onnx), tiny.config)
    rng = np.random.default_rng(0)
    images = [
        rng.integers(0, 256, (h, w, 3), np.uint8)
        for h, w in ((67, 93), (40, 40))
    ]
    for ours, theirs in zip(segment(model, images), segment(runtime, images)):
        assert ours.shape == theirs.shape
        assert (ours == theirs).mean() >= 0.999


@pytest.mark.parametrize('channels, classes, message', [
    (3, 5, 'outputs 5 classes'),
    (1, 19, 'takes 1-channel images'),
])
def test_onnx_of_another_model_is_refused(tiny, tmp_path, channels, classes,
                                          message):
    path = foreign_onnx(tmp_path / 'other.onnx', channels, classes)
    with pytest.raises(
            BackendMismatchError, match=f'^ONNX Runtime: .*{message}'):
        OnnxSegmentor(str(path), tiny.config)


def test_a_file_that_is_not_onnx_is_refused(tiny, tmp_path):
    path = tmp_path / 'notes.onnx'
    path.write_bytes(b'not a protobuf at all')
    with pytest.raises(
            BackendMismatchError,
            match="^ONNX Runtime: .*notes.onnx' is not an ONNX"):
        OnnxSegmentor(str(path), tiny.config)


def test_a_missing_file_is_named(tiny, tmp_path):
    with pytest.raises(FileNotFoundError, match='gone.onnx'):
        OnnxSegmentor(str(tmp_path / 'gone.onnx'), tiny.config)
