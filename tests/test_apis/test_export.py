"""Export API and ONNX Runtime segmentor: dynamic sizes, parity, errors."""
import numpy as np
import onnx
import pytest
import torch

from linknet_mm.apis import export
from linknet_mm.apis import (OnnxModelMismatchError, OnnxSegmentor,
                             check_logits, export_onnx, init_segmentor,
                             segment)
from linknet_mm.apis.export import MAX_ABS_DIFF, onnx_metadata
from linknet_mm.utils import ConfigError
from tiny_model import foreign_onnx, tiny_files

# the tiny model's files come from running the export tool
pytestmark = pytest.mark.slow

# small sizes: square, odd, tall, and a batch of two odd ones
SHAPES = ((1, 64, 64), (1, 67, 93), (1, 255, 257), (2, 33, 47))


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    return tiny_files(tmp_path_factory)


@pytest.fixture(scope='module')
def model(tiny):
    return init_segmentor(tiny.config, str(tiny.checkpoint))


def test_onnx_has_dynamic_batch_height_width(tiny):
    model = onnx.load(str(tiny.onnx))
    assert model.opset_import[0].version >= 17
    dims = model.graph.input[0].type.tensor_type.shape.dim
    assert [d.dim_param for d in dims] == ['batch', '', 'height', 'width']
    assert dims[1].dim_value == 3
    out = model.graph.output[0].type.tensor_type.shape.dim
    assert out[1].dim_value == 19
    assert onnx_metadata(model)['num_classes'] == 19


def test_onnx_runtime_matches_pytorch(tiny, model):
    runtime = OnnxSegmentor(str(tiny.onnx), tiny.config)
    rows = check_logits(model, runtime.logits, SHAPES, seed=1)
    for row in rows:
        assert row['max_abs_diff'] <= MAX_ABS_DIFF, row
        assert row['agreement'] >= 0.9999, row


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
    with pytest.raises(OnnxModelMismatchError, match=message):
        OnnxSegmentor(str(path), tiny.config)


def test_opset_below_17_is_refused(model, tmp_path):
    with pytest.raises(ValueError, match='opset'):
        export_onnx(model, str(tmp_path / 'm.onnx'), opset=16)


def test_model_to_export_loads_the_checkpoint(tiny, model, monkeypatch,
                                              tmp_path):
    warnings = []
    monkeypatch.setattr(export, 'print_log',
                        lambda msg, **kwargs: warnings.append(msg))
    loaded = export.model_to_export(
        str(tiny.config), str(tiny.checkpoint), None, str(tmp_path / 'm.onnx'))
    for name, tensor in model.state_dict().items():
        torch.testing.assert_close(loaded.state_dict()[name], tensor)
    assert warnings == []


def test_model_to_export_warns_of_random_weights(tiny, monkeypatch, tmp_path):
    warnings = []
    monkeypatch.setattr(export, 'print_log',
                        lambda msg, **kwargs: warnings.append(msg))
    export.model_to_export(
        str(tiny.config), None, {'model.decode_head.num_classes': 3},
        str(tmp_path / 'm.onnx'))
    assert warnings == ['no checkpoint given: exporting random weights']


def test_model_to_export_checks_cfg_options(tiny, tmp_path):
    with pytest.raises(ConfigError, match='modle'):
        export.model_to_export(
            str(tiny.config), None, {'modle.decode_head.num_classes': 3},
            str(tmp_path / 'm.onnx'))
