"""The bfloat16 PyTorch path on the tiny model, at odd sizes."""
import numpy as np
import pytest
import torch

from linknet_mm.apis import check_logits, init_segmentor, segment
from linknet_mm.apis.bf16_segmentor import Bf16Segmentor
from linknet_mm.errors import PrecisionError

from conftest import TINY

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
    for row in check_logits(model, bf16.logits, SHAPES, seed=2):
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
    images = [rng.integers(0, 256, (h, w, 3), np.uint8)
              for h, w in ((67, 93), (40, 40))]
    fp32 = segment(model, images)
    bf16 = segment(Bf16Segmentor(model, BF16_CPU), images, batch_size=2)
    for ours, theirs in zip(fp32, bf16):
        assert ours.shape == theirs.shape
        assert (ours == theirs).mean() > 0.8


def test_refused_where_the_cpu_lacks_bf16(model):
    with pytest.raises(PrecisionError, match='none of avx512_bf16'):
        Bf16Segmentor(model, frozenset({'avx2', 'avx512f'}))
