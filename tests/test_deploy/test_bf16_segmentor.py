"""The bfloat16 PyTorch path on the tiny model, at odd sizes."""
import copy
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from conftest import TINY
from linknet_mm.apis import init_segmentor, predict
from linknet_mm.deploy import Bf16Segmentor, check_export
from linknet_mm.errors import BackendMismatchError, PrecisionError

# autocast computes bfloat16 on any CPU (emulated where it is not native),
# so the path is tested everywhere; only the offer depends on the flags
BF16_CPU = frozenset({'avx2', 'avx512f', 'avx512_bf16'})
SHAPES = ((1, 67, 93), (2, 33, 47), (1, 128, 96))


@pytest.fixture(scope='module')
def model(tiny_checkpoint):
    return init_segmentor(TINY, str(tiny_checkpoint))


def test_bf16_logits_are_float32_near_fp32(model):
    bf16 = Bf16Segmentor(model, BF16_CPU)
    out = bf16.logits(torch.rand(2, 3, 33, 47) * 255)
    assert out.dtype == torch.float32 and out.shape == (2, 19, 33, 47)
    for row in check_export(model, bf16.logits, SHAPES, seed=2):
        assert 1e-4 < row['max_abs_diff'] < 1, row  # bf16 keeps 8 bits
        assert row['agreement'] > 0.8, row


def test_the_given_model_is_not_changed(model):
    before = {k: v.clone() for k, v in model.state_dict().items()}
    bf16 = Bf16Segmentor(model, BF16_CPU)
    assert model.state_dict().keys() == before.keys()
    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert not any(
        isinstance(m, torch.nn.BatchNorm2d) for m in bf16.net.modules())
    assert bf16.dataset_meta == model.dataset_meta


def test_bf16_segments_images_of_mixed_sizes(model):
    rng = np.random.default_rng(0)
    images = [
        rng.integers(0, 256, (h, w, 3), np.uint8)
        for h, w in ((67, 93), (40, 40))
    ]
    fp32 = predict(model, images)
    bf16 = predict(Bf16Segmentor(model, BF16_CPU), images, batch_size=2)
    for image, ours, theirs in zip(images, fp32, bf16):
        logits = ours.seg_logits.data
        assert theirs.seg_logits.data.shape == logits.shape
        assert theirs.pred_sem_seg.data.shape == (1, *image.shape[:2])
        # a pixel may change class only where fp32's two best classes are
        # closer than twice the bf16 error there
        error = (theirs.seg_logits.data - logits).abs().amax(0)
        top2 = logits.topk(2, dim=0).values
        sure = top2[0] - top2[1] > 2 * error
        assert sure.any()
        assert torch.equal(ours.pred_sem_seg.data[0][sure],
                           theirs.pred_sem_seg.data[0][sure])


def test_a_config_that_pads_at_test_time_is_refused(model):
    cfg = copy.deepcopy(model.cfg)
    cfg.model.data_preprocessor.test_cfg = dict(size_divisor=32)
    padded = SimpleNamespace(cfg=cfg, dataset_meta=model.dataset_meta)
    with pytest.raises(
            BackendMismatchError, match='^bf16 PyTorch: .*test_cfg'):
        Bf16Segmentor(padded, BF16_CPU)


def test_refused_where_the_cpu_lacks_bf16(model):
    with pytest.raises(PrecisionError, match='none of avx512_bf16'):
        Bf16Segmentor(model, frozenset({'avx2', 'avx512f'}))
