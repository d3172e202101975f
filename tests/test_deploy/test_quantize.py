"""INT8 quantization of the tiny model's ONNX export, at odd sizes."""
import numpy as np
import onnx
import pytest

from conftest import TINY_BRAIN, load_config
from linknet_mm.apis import init_segmentor
from linknet_mm.deploy import OnnxSegmentor, check_export, quantize_int8
from linknet_mm.deploy import quantize
from linknet_mm.deploy.quantize import make_int8
from linknet_mm.errors import LinkNetError

pytestmark = pytest.mark.slow

SHAPES = ((1, 67, 93), (2, 33, 47), (1, 128, 96))


@pytest.fixture(scope='module')
def model(tiny):
    return init_segmentor(tiny.config, str(tiny.checkpoint))


def _calibration(num, seed=0):
    """Noisy images of odd sizes: colour blobs, as pixels (1, 3, H, W)."""
    rng = np.random.default_rng(seed)
    for i in range(num):
        h, w = (64, 96) if i % 2 else (67, 93)
        base = rng.uniform(0, 255, (1, 3, 1, 1))
        yield (base + rng.normal(0, 40,
                                 (1, 3, h, w))).clip(0, 255).astype(np.float32)


@pytest.fixture(scope='module')
def int8(tiny, tmp_path_factory):
    out = tmp_path_factory.mktemp('int8') / 'tiny.int8.onnx'
    info = quantize_int8(str(tiny.onnx), str(out), _calibration(8))
    return out, info


def test_int8_file_is_quantized_and_keeps_dynamic_sizes(int8):
    out, info = int8
    graph = onnx.load(str(out)).graph
    ops = [node.op_type for node in graph.node]
    assert ops.count('QuantizeLinear') > 10
    assert ops.count('DequantizeLinear') > 10
    dims = graph.input[0].type.tensor_type.shape.dim
    assert [d.dim_param for d in dims] == ['batch', '', 'height', 'width']
    assert info['calibration_batches'] == 8
    assert info['float_nodes'] == []


def test_end_convolutions_stay_float_when_asked(tiny, tmp_path):
    out = tmp_path / 'ends.int8.onnx'
    info = quantize_int8(
        str(tiny.onnx), str(out), _calibration(2), keep_float_ends=True)
    assert len(info['float_nodes']) == 2
    graph = onnx.load(str(out)).graph
    for node in graph.node:
        if node.name in info['float_nodes']:
            # a float conv's weight is a plain initializer, not dequantized
            weights = {i.name for i in graph.initializer}
            assert node.input[1] in weights, node.name
    names = [node.name for node in graph.node]
    assert all(name in names for name in info['float_nodes'])


def test_int8_runs_at_odd_sizes_close_to_fp32(tiny, model, int8):
    runtime = OnnxSegmentor(str(int8[0]), tiny.config)
    rows = check_export(model, runtime.logits, SHAPES, seed=3)
    for row in rows:
        assert row['max_abs_diff'] > 1e-4  # it is INT8, not the fp32 model
        assert row['agreement'] > 0.3, row  # 19 random classes: chance 0.05


def test_no_calibration_image_is_an_error_and_writes_nothing(tiny, tmp_path):
    out = tmp_path / 'none.int8.onnx'
    with pytest.raises(ValueError, match='calibration'):
        quantize_int8(str(tiny.onnx), str(out), iter(()))
    assert list(tmp_path.iterdir()) == []


def test_unknown_calibration_method(tiny, tmp_path):
    with pytest.raises(ValueError, match="got 'median'"):
        quantize_int8(
            str(tiny.onnx),
            str(tmp_path / 'x.onnx'),
            _calibration(1),
            method='median')


def _no_export(*args, **kwargs):
    raise AssertionError('exported although the calibration split is empty')


def test_empty_calibration_split_stops_before_the_export(
        tmp_path, monkeypatch):
    empty = tmp_path / 'empty'
    for sub in ('images', 'masks'):
        (empty / sub).mkdir(parents=True)
    model = init_segmentor(load_config(TINY_BRAIN))
    monkeypatch.setattr(quantize, 'export_onnx', _no_export)
    out = tmp_path / 'model.int8.onnx'
    with pytest.raises(LinkNetError, match=str(empty / 'images')):
        make_int8(model, str(out), str(empty))
    assert not out.exists()
