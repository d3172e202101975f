import pytest
import torch
import torch.nn.functional as F
from mmseg.models.losses import CrossEntropyLoss
from mmseg.registry import MODELS

import linknet_mm  # noqa: F401

WEIGHTS = [1.0, 4.0, 10.0]


def _batch():
    torch.manual_seed(0)
    logits = torch.randn(2, 3, 5, 7)
    label = torch.randint(0, 3, (2, 5, 7))
    label[0, :2] = 255
    label[1, :, 0] = 255
    return logits, label


def test_mmseg_fails_on_ignored_pixels_with_class_weight():
    """The bug this loss exists for: if mmseg fixes it, drop the loss."""
    logits, label = _batch()
    loss = CrossEntropyLoss(class_weight=WEIGHTS, avg_non_ignore=True)
    with pytest.raises(IndexError):
        loss(logits, label, ignore_index=255)


def test_weighted_mean_over_labelled_pixels_as_pytorch():
    logits, label = _batch()
    loss = MODELS.build(
        dict(type='ClassWeightedCrossEntropyLoss', class_weight=WEIGHTS,
             loss_weight=2.0))
    ours = loss(logits, label, ignore_index=255)
    expected = F.cross_entropy(
        logits, label, weight=torch.tensor(WEIGHTS), ignore_index=255)
    torch.testing.assert_close(ours, 2.0 * expected)
    assert loss.loss_name == 'loss_ce'


def test_all_ignored_gives_zero_not_nan():
    logits, label = _batch()
    label[:] = 255
    loss = MODELS.build(
        dict(type='ClassWeightedCrossEntropyLoss', class_weight=WEIGHTS))
    assert loss(logits, label, ignore_index=255).item() == 0.0


@pytest.mark.parametrize('cfg, word', [
    (dict(class_weight=None), 'class_weight is required'),
    (dict(class_weight=WEIGHTS, use_sigmoid=True), 'use_sigmoid'),
])
def test_refuses_what_it_does_not_do(cfg, word):
    with pytest.raises(ValueError, match=word):
        MODELS.build(dict(type='ClassWeightedCrossEntropyLoss', **cfg))
