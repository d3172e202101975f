"""Reading TFLite convolutions: de-quantization and the real file."""
import subprocess
import sys

import numpy as np
import pytest

from conftest import MOBILENET_TFLITE, shared_weights, tool_module
from linknet_mm.errors import WeightConversionError

reader = tool_module('model_converters/tflite_reader.py')
dequantize, read_tflite_convs = reader.dequantize, reader.read_tflite_convs


def test_dequantize_per_output_channel():
    values = np.array([[[[2, -4]]], [[[127, -128]]]], np.int8)  # OHWI
    out = dequantize(values, np.array([0.5, 0.25]), np.zeros(2), axis=0)
    assert out.dtype == np.float32
    assert out.reshape(2, 2).tolist() == [[1.0, -2.0], [31.75, -32.0]]


def test_dequantize_last_axis_with_zero_point():
    values = np.array([[[[10, 10, 10]]]], np.uint8)  # [1, kh, kw, C]
    out = dequantize(values, np.array([1.0, 0.5, 2.0]),
                     np.array([8, 10, 12]), axis=3)
    assert out.reshape(3).tolist() == [2.0, 0.0, -4.0]


def test_dequantize_one_scale_for_the_tensor():
    out = dequantize(np.array([3, -3], np.int32), np.array([0.25]),
                     np.zeros(0), axis=0)
    assert out.tolist() == [0.75, -0.75]


def test_real_mobilenet_v2_convolutions():
    convs = read_tflite_convs(str(shared_weights(MOBILENET_TFLITE)))
    assert len(convs) == 53  # the backbone's 51, head, classifier
    assert sum(c.depthwise for c in convs) == 17
    stem, first_depthwise = convs[0], convs[1]
    assert stem.weight.shape == (32, 3, 3, 3) and stem.stride == 2
    assert (stem.padding, stem.activation) == ('SAME', 'RELU6')
    assert first_depthwise.weight.shape == (1, 3, 3, 32)
    assert convs[2].activation == 'NONE'  # projections are linear
    assert convs[-1].weight.shape == (1001, 1, 1, 1280)
    parameters = sum(c.weight.size + c.bias.size for c in convs)
    assert parameters == 3_489_097  # as SOURCES.md counts the file
    assert all(c.weight.dtype == np.float32 for c in convs)


def test_not_a_tflite_file_is_named(tmp_path):
    path = tmp_path / 'weights.tflite'
    path.write_bytes(b'PK\x03\x04 not a flatbuffer at all')
    with pytest.raises(WeightConversionError, match='weights.tflite.*TFL3'):
        read_tflite_convs(str(path))


def test_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='nowhere.tflite'):
        read_tflite_convs(str(tmp_path / 'nowhere.tflite'))


def test_import_linknet_mm_needs_no_tflite_parser():
    code = ('import sys, linknet_mm; '
            'assert "tflite" not in sys.modules, "tflite imported"')
    subprocess.run([sys.executable, '-c', code], check=True)
