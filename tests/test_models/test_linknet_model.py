"""The whole LinkNet segmentor: paper fidelity and any input size."""
import pytest
import torch
from mmengine.analysis import get_model_complexity_info
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

from conftest import CONFIGS, load_config

R18 = CONFIGS / '_base_' / 'models' / 'linknet_r18.py'


@pytest.fixture(scope='module')
def r18():
    return MODELS.build(load_config(R18).model).eval()


def test_r18_has_the_papers_parameter_count(r18):
    params = sum(p.numel() for p in r18.parameters())
    # paper: 11.5M; the authors' PyTorch port: 11.54M
    assert abs(params - 11.5e6) <= 0.02 * 11.5e6, params


def test_r18_flops_at_360x640_are_counted(r18):
    info = get_model_complexity_info(r18, input_shape=(3, 360, 640))
    # mmengine counts a multiply-add as one FLOP: ResNet-18 alone is ~8.4G
    # at this size (1.82G at 224x224); the paper's 21.2 GFLOPs count both
    assert 9e9 < info['flops'] < 11e9, info['flops_str']


@pytest.mark.parametrize('hw', [(360, 640), (256, 256), (67, 93),
                                (255, 257)])
def test_prediction_has_the_input_size(r18, hw):
    img = torch.rand(1, 3, *hw) * 255
    sample = SegDataSample(metainfo=dict(img_shape=hw, ori_shape=hw))
    with torch.no_grad():
        data = r18.data_preprocessor(
            dict(inputs=[img[0]], data_samples=[sample]))
        pred = r18.predict(data['inputs'], data['data_samples'])[0]
    assert pred.pred_sem_seg.data.shape == (1, ) + hw
    assert pred.seg_logits.data.shape == (19, ) + hw
