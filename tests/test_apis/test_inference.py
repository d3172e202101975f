"""init_segmentor / predict / segment: any input size, strict weights."""
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import save_checkpoint
from mmseg.apis import MMSegInferencer

from conftest import CONFIGS, REPO
from linknet_mm.apis import (CheckpointMismatchError, ImageReadError,
                             inference_pipeline, init_segmentor, predict,
                             segment)
from linknet_mm.apis.inference import config_test_pipeline
from linknet_mm.apis.pipeline import read_image

TINY = REPO / 'tests' / 'data' / 'configs' / 'tiny_linknet_cityscapes.py'
# mmseg's usual test pipeline, as MMSegInferencer expects it
PLAIN_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(512, 256), keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs')
]


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory):
    torch.manual_seed(0)
    model = init_segmentor(TINY)
    path = tmp_path_factory.mktemp('ckpt') / 'tiny.pth'
    save_checkpoint({'state_dict': model.state_dict(), 'meta': {}}, str(path))
    return path


@pytest.fixture(scope='module')
def model(checkpoint):
    return init_segmentor(TINY, str(checkpoint))


def _images():
    rng = np.random.default_rng(0)
    return [
        rng.integers(0, 256, hw + (3, ), np.uint8)
        for hw in ((67, 93), (256, 512), (31, 200))
    ]


def test_maps_have_each_input_size(model):
    images = _images()
    grey = images[0][..., 0]
    maps = segment(model, images + [grey], batch_size=3)
    assert [m.shape for m in maps] == [i.shape[:2]
                                       for i in images] + [grey.shape]
    assert all(m.dtype == np.uint8 and m.max() < 19 for m in maps)
    # a grey image is its own BGR repetition
    assert (maps[3] == segment(model, np.repeat(grey[..., None], 3,
                                                2))[0]).all()


def test_batching_does_not_change_results(model):
    images = _images()
    one_by_one = [segment(model, image)[0] for image in images]
    together = segment(model, images + images[:1], batch_size=4)
    for a, b in zip(one_by_one + one_by_one[:1], together):
        assert (a == b).mean() > 0.999


def test_predict_paths_keeps_names_and_logits(model, tmp_path):
    import cv2
    path = tmp_path / 'photo.png'
    cv2.imwrite(str(path), _images()[0])
    sample = predict(model, path)[0]
    assert sample.img_path == str(path)
    assert sample.seg_logits.data.shape == (19, 67, 93)
    assert sample.pred_sem_seg.data.shape == (1, 67, 93)


def test_unreadable_image_is_named(tmp_path):
    path = tmp_path / 'broken.png'
    path.write_bytes(b'\x89PNG but not really')
    with pytest.raises(ImageReadError, match='broken.png'):
        read_image(path, {})


def test_dataset_meta_from_config(model):
    assert model.dataset_meta['classes'][:2] == ('road', 'sidewalk')
    assert len(model.dataset_meta['palette']) == 19


def test_checkpoint_of_other_classes_is_refused(checkpoint):
    with pytest.raises(CheckpointMismatchError) as error:
        init_segmentor(
            TINY,
            str(checkpoint),
            cfg_options={'model.decode_head.num_classes': 2})
    assert 'decode_head.conv_seg.weight: checkpoint (8, 19, 2, 2) vs ' \
        'model (8, 2, 2, 2)' in str(error.value)


def test_checkpoint_missing_tensors_is_refused(tmp_path, model):
    state = {
        k: v
        for k, v in model.state_dict().items()
        if not k.startswith('decode_head.final_conv')
    }
    path = tmp_path / 'partial.pth'
    torch.save({'state_dict': state}, path)
    with pytest.raises(CheckpointMismatchError, match='missing from'):
        init_segmentor(TINY, str(path))


def test_checkpoint_extra_tensors_and_ddp_prefix_load(tmp_path, model):
    state = {f'module.{k}': v for k, v in model.state_dict().items()}
    state['module.auxiliary_head.conv.weight'] = torch.zeros(1)
    path = tmp_path / 'ddp.pth'
    torch.save(
        {
            'state_dict': state,
            'meta': {
                'dataset_meta': dict(
                    classes=tuple('abc'), palette=[[0] * 3] * 3)
            }
        }, path)
    loaded = init_segmentor(TINY, str(path))
    assert loaded.dataset_meta['classes'] == ('a', 'b', 'c')
    for key, value in model.state_dict().items():
        assert torch.equal(value, loaded.state_dict()[key]), key


@pytest.mark.parametrize('config, dropped', [
    ('linknet_cityscapes.py', {'LoadCityscapesPair', 'DecodeCityscapesColors'
                               }),
    ('linknet_brain_tumor.py', {
        'LoadImageFromFile', 'LoadAnnotations', 'CheckMaskSize', 'BinarizeMask'
    }),
])
def test_inference_pipeline_drops_label_steps(config, dropped):
    cfg = Config.fromfile(str(CONFIGS / config))
    _, pipeline = inference_pipeline(config_test_pipeline(cfg))
    names = [type(t).__name__ for t in pipeline.transforms]
    assert names[0] == 'LoadImageFromNDArray'
    assert names[-1] == 'PackSegInputs'
    assert not dropped & set(names)


def test_pipeline_needs_an_image_loader():
    with pytest.raises(ValueError, match='must start with one of'):
        inference_pipeline([dict(type='Resize', scale=(8, 8))])


def test_mmseg_inferencer_runs_our_model(checkpoint, tmp_path):
    cfg = Config.fromfile(str(TINY))
    cfg.test_dataloader.dataset.pipeline = PLAIN_PIPELINE
    inferencer = MMSegInferencer(
        model=cfg, weights=str(checkpoint), device='cpu')
    image = _images()[0]
    result = inferencer(image, return_datasamples=True)
    assert result.pred_sem_seg.data.shape == (1, 67, 93)


@pytest.mark.parametrize('config',
                         ['linknet_cityscapes.py', 'linknet_brain_tumor.py'])
def test_mmseg_inferencer_with_our_configs(config):
    inferencer = MMSegInferencer(model=str(CONFIGS / config), device='cpu')
    result = inferencer(_images()[0], return_datasamples=True)
    assert result.pred_sem_seg.data.shape == (1, 67, 93)
