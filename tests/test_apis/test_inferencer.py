"""LinkNetInferencer and mmseg's MMSegInferencer on our configs."""
import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmseg.apis import MMSegInferencer

from conftest import CONFIGS, TINY
from linknet_mm.apis import LinkNetInferencer, init_segmentor
from linknet_mm.errors import CheckpointMismatchError, ConfigError
from tiny_model import tiny_files


def _image(h=67, w=93):
    return np.random.default_rng(0).integers(0, 256, (h, w, 3), np.uint8)


@pytest.mark.parametrize('config, kept', [
    ('linknet_cityscapes.py', ['SplitImagePair', 'DecodeCityscapesColors']),
    ('linknet_brain_tumor.py', ['CheckMaskSize', 'BinarizeMask']),
])
def test_pipeline_is_mmseg_inferencers(config, kept):
    inferencer = LinkNetInferencer(CONFIGS / config)
    names = [type(t).__name__ for t in inferencer.pipeline.transforms]
    assert names[0] == 'InferencerLoader'
    assert names[-1] == 'PackSegInputs'
    assert 'LoadAnnotations' not in names
    # our label transforms stay and pass a plain photo through
    assert set(kept) <= set(names)
    packed = inferencer.pipeline(inferencer.load(_image()))
    assert packed['data_samples'].ori_shape == (67, 93)


def test_classes_come_from_the_config_not_cityscapes():
    inferencer = LinkNetInferencer(CONFIGS / 'linknet_brain_tumor.py')
    assert inferencer.model.dataset_meta['classes'] == ('background', 'tumor')


def test_weights_must_fit_the_config(tiny_checkpoint):
    with pytest.raises(CheckpointMismatchError, match='conv_seg'):
        LinkNetInferencer(
            TINY,
            str(tiny_checkpoint),
            cfg_options={'model.decode_head.num_classes': 2})


def test_a_pipeline_without_file_loader_is_named():
    cfg = Config.fromfile(str(TINY))
    cfg.test_dataloader.dataset.pipeline = [dict(type='PackSegInputs')]
    with pytest.raises(ConfigError, match='LoadImageFromFile'):
        LinkNetInferencer(cfg)


def test_batches_split_where_the_size_changes(tiny_checkpoint):
    inferencer = LinkNetInferencer(TINY, str(tiny_checkpoint))
    sizes = [(67, 93), (67, 93), (31, 200), (67, 93)]
    batches = list(
        inferencer.preprocess([_image(*hw) for hw in sizes], batch_size=3))
    assert [len(b['inputs']) for b in batches] == [2, 1, 1]
    samples = inferencer.predict([_image(*hw) for hw in sizes], 3)
    assert [s.ori_shape for s in samples] == sizes


def test_wraps_a_built_model_as_it_is(tiny_checkpoint):
    model = init_segmentor(TINY, str(tiny_checkpoint))
    assert LinkNetInferencer(model).model is model


def test_onnx_backend_agrees_with_pytorch(tmp_path_factory):
    tiny = tiny_files(tmp_path_factory)
    ours = LinkNetInferencer(TINY, str(tiny.checkpoint))
    onnx = LinkNetInferencer(TINY, onnx_file=str(tiny.onnx))
    assert type(onnx.model).__name__ == 'OnnxSegmentor'
    image = _image()
    a = ours.predict([image])[0].seg_logits.data
    b = onnx.predict([image])[0].seg_logits.data
    assert torch.allclose(a, b, atol=1e-3)


def test_mmseg_inferencer_runs_our_model(tiny_checkpoint):
    cfg = Config.fromfile(str(TINY))
    inferencer = MMSegInferencer(
        model=cfg, weights=str(tiny_checkpoint), device='cpu')
    result = inferencer(_image(), return_datasamples=True)
    assert result.pred_sem_seg.data.shape == (1, 67, 93)


@pytest.mark.parametrize('config',
                         ['linknet_cityscapes.py', 'linknet_brain_tumor.py'])
def test_mmseg_inferencer_with_our_configs(config):
    inferencer = MMSegInferencer(model=str(CONFIGS / config), device='cpu')
    result = inferencer(_image(), return_datasamples=True)
    assert result.pred_sem_seg.data.shape == (1, 67, 93)


def test_mmseg_call_writes_its_usual_outputs(tiny_checkpoint, tmp_path):
    path = tmp_path / 'photo.png'
    cv2.imwrite(str(path), _image())
    inferencer = LinkNetInferencer(TINY, str(tiny_checkpoint))
    result = inferencer(str(path), out_dir=str(tmp_path / 'out'))
    assert result['predictions'].shape == (67, 93)
    assert (tmp_path / 'out' / 'vis' / 'photo.png').is_file()
    assert (tmp_path / 'out' / 'pred' / '00000000_pred.png').is_file()


def test_inferencers_share_one_visualizer(tiny_checkpoint):
    model = init_segmentor(TINY, str(tiny_checkpoint))
    first, second = LinkNetInferencer(model), LinkNetInferencer(model)
    # mmengine keeps every visualizer it builds: predict() in a loop must
    # not build one per call
    assert first.visualizer is second.visualizer
