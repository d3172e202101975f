"""Export to ONNX and TorchScript-free checks: dynamic sizes, metadata,
the fp32 export check."""
import json

import onnx
import pytest

from conftest import tool_module
from linknet_mm.apis import init_segmentor
from linknet_mm.deploy import check_export, export_onnx
from linknet_mm.deploy.export import METADATA_KEY, reference_logits
from tiny_model import ODD_SHAPES

# the tiny model's files come from running the export tool
pytestmark = pytest.mark.slow


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
    props = {entry.key: entry.value for entry in model.metadata_props}
    assert json.loads(props[METADATA_KEY])['num_classes'] == 19


def test_opset_below_17_is_refused(model, tmp_path):
    with pytest.raises(ValueError, match='opset'):
        export_onnx(model, str(tmp_path / 'm.onnx'), opset=16)


def test_check_export_flags_a_wrong_export(model):

    def off(inputs):  # an 'export' whose logits are shifted by 1e-3
        return reference_logits(model, inputs) + 1e-3

    rows = check_export(model, off, ODD_SHAPES[:2], seed=0)
    assert [row['shape'] for row in rows] == [[1, 3, 64, 64], [1, 3, 67, 93]]
    assert all(not row['ok'] for row in rows)
    assert all(row['agreement'] == 1.0 for row in rows)
    assert rows[0]['max_abs_diff'] == pytest.approx(1e-3, rel=1e-2)
    assert 'NO' in tool_module(
        'deployment/export_tool.py').format_export_check(rows)
