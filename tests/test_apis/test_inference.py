"""predict / segment: any input size, batching, file names kept."""
import cv2
import numpy as np
import pytest

from conftest import TINY
from linknet_mm.apis import init_segmentor, predict, segment


@pytest.fixture(scope='module')
def model(tiny_checkpoint):
    return init_segmentor(TINY, str(tiny_checkpoint))


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
    path = tmp_path / 'photo.png'
    cv2.imwrite(str(path), _images()[0])
    sample = predict(model, path)[0]
    assert sample.img_path == str(path)
    assert sample.seg_logits.data.shape == (19, 67, 93)
    assert sample.pred_sem_seg.data.shape == (1, 67, 93)


def test_model_without_config_is_refused(model):
    with pytest.raises(ValueError, match='model.cfg'):
        predict(object(), _images()[0])
