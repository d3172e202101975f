"""BackendSegmentor: a backend's logits become mmseg's predictions, as
EncoderDecoder.postprocess_result makes them."""
import pytest
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from conftest import TINY, TINY_BRAIN
from linknet_mm.deploy.backend_segmentor import (BackendSegmentor,
                                                 logits_to_prediction)
from linknet_mm.errors import BackendMismatchError


class Fixed(BackendSegmentor):
    """A backend that returns the same logits whatever the pixels."""
    backend = 'fixed test backend'

    def __init__(self, config, logits, **kwargs):
        super().__init__(config, **kwargs)
        self.fixed = logits
        self.seen = []

    def logits(self, inputs):
        self.seen.append(tuple(inputs.shape))
        return self.fixed.expand(inputs.shape[0], -1, -1, -1)


def test_logits_to_prediction_is_the_argmax():
    logits = torch.zeros(3, 2, 2)
    logits[2, 0, 0] = logits[1, 1, 1] = 1  # class 2 top left, 1 bottom right
    scores, pred = logits_to_prediction(logits, (2, 2), False, 0.3)
    assert torch.equal(scores, logits)
    assert pred.tolist() == [[[2, 0], [0, 1]]]


def test_logits_to_prediction_resizes_to_the_original_size():
    logits = torch.zeros(3, 4, 4)
    logits[2, :, :2] = logits[1, :, 2:] = 5  # class 2 left, class 1 right
    scores, pred = logits_to_prediction(logits, (8, 8), False, 0.3)
    assert scores.shape == (3, 8, 8) and pred.shape == (1, 8, 8)
    assert (pred[:, :, :3] == 2).all() and (pred[:, :, 5:] == 1).all()


def test_one_channel_logits_are_thresholded_sigmoids():
    logits = torch.tensor([[[-2.0, -0.5], [0.0,
                                           3.0]]])  # sigmoid .12 .38 .5 .95
    scores, pred = logits_to_prediction(logits, (2, 2), False, 0.4)
    assert torch.allclose(scores, logits.sigmoid())
    assert pred.tolist() == [[[0.0, 0.0], [1.0, 1.0]]]


def test_test_step_fills_each_sample_at_its_size():
    logits = torch.zeros(1, 19, 4, 4)
    logits[0, 7] = 1
    segmentor = Fixed(TINY, logits)
    samples = [
        SegDataSample(metainfo=dict(ori_shape=shape))
        for shape in ((8, 12), (4, 4))
    ]
    out = segmentor.test_step(
        dict(
            inputs=[torch.zeros(3, 4, 4, dtype=torch.uint8)] * 2,
            data_samples=samples))
    assert segmentor.seen == [(2, 3, 4, 4)]  # one call, a float batch
    assert [tuple(s.pred_sem_seg.data.shape) for s in out] == [(1, 8, 12),
                                                               (1, 4, 4)]
    assert all((s.pred_sem_seg.data == 7).all() for s in out)
    assert isinstance(out[0].seg_logits, PixelData)


def test_classes_and_settings_come_from_the_config():
    segmentor = Fixed(TINY_BRAIN, torch.zeros(1, 2, 2, 2))
    assert (segmentor.num_classes, segmentor.out_channels) == (2, 2)
    assert segmentor.dataset_meta['classes'] == ('background', 'tumor')
    sigmoid = Fixed(
        TINY_BRAIN,
        torch.zeros(1, 1, 2, 2),
        cfg_options={
            'model.decode_head.out_channels': 1,
            'model.decode_head.threshold': 0.4
        })
    assert (sigmoid.num_classes, sigmoid.out_channels) == (2, 1)
    assert sigmoid.threshold == 0.4
    meta = dict(classes=('a', 'b'), palette=[[1, 2, 3], [4, 5, 6]])
    assert Fixed(
        TINY_BRAIN, torch.zeros(1, 1, 2, 2),
        dataset_meta=meta).dataset_meta == meta


def test_padding_at_test_time_is_refused_naming_the_backend():
    with pytest.raises(
            BackendMismatchError,
            match=r'^fixed test backend: Fixed does not pad.*'
            r'test_cfg'):
        Fixed(
            TINY,
            torch.zeros(1, 19, 2, 2),
            cfg_options={
                'model.data_preprocessor.test_cfg': dict(size_divisor=32)
            })


def test_the_base_class_has_no_logits():
    with pytest.raises(NotImplementedError):
        BackendSegmentor(TINY).logits(torch.zeros(1, 3, 4, 4))
