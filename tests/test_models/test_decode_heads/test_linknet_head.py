"""Contract of LinkNetHead: shapes, gradients, options and bad input."""
import pytest
import torch
from mmengine.structures import PixelData
from torch import nn

from linknet_mm.models import LinkNetHead
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

CHANNELS = (8, 16, 32, 64)
STRIDES = (4, 8, 16, 32)


def _feats(hw, batch=2, chans=CHANNELS):
    """Backbone-like features: each stage half the last, rounded up."""
    return [
        torch.rand(batch, c, -(-hw[0] // s), -(-hw[1] // s))
        for c, s in zip(chans, STRIDES)
    ]


def _head(**kwargs):
    cfg = dict(
        in_channels=list(CHANNELS),
        in_index=[0, 1, 2, 3],
        channels=4,
        num_classes=3,
        norm_cfg=dict(type='BN'))
    cfg.update(kwargs)
    return LinkNetHead(**cfg)


def test_registered_in_mmseg():
    assert MODELS.get('LinkNetHead') is LinkNetHead


@pytest.mark.parametrize('hw', [(64, 64), (67, 93), (255, 257), (90, 160)])
def test_learned_upsampling_gives_four_times_stage_one(hw):
    head = _head()
    feats = _feats(hw)
    logits = head(feats)
    h1, w1 = feats[0].shape[2:]
    assert logits.shape == (2, 3, 4 * h1, 4 * w1)
    logits.mean().backward()
    assert all(p.grad is not None for p in head.parameters())


def test_decoder_output_is_added_to_its_skip():
    """Zero decoders leave exactly the skip: the link is an addition."""
    head = _head().eval()
    feats = _feats((67, 93), batch=1)
    captured = []
    head.decoders[-1].register_forward_hook(
        lambda mod, args, out: captured.append(args[0]))
    for block in head.decoders[:-1]:
        block.expand.bn.weight.data.zero_()
        block.expand.bn.bias.data.zero_()
    head(feats)
    # every decoder gave 0 after its final ReLU, so the shallowest block's
    # input is the stage-1 skip itself
    torch.testing.assert_close(captured[0], feats[0])


def test_shallowest_block_keeps_resolution_others_double():
    head = _head()
    strides = [block.up.conv.stride[0] for block in head.decoders]
    assert strides == [2, 2, 2, 1]


def test_widths_follow_in_channels_and_reduction():
    head = _head(reduction=2)
    deepest = head.decoders[0]
    assert deepest.reduce.conv.in_channels == 64
    assert deepest.reduce.conv.out_channels == 32
    assert deepest.expand.conv.out_channels == 32  # width of stage 3
    assert head.decoders[-1].expand.conv.out_channels == 8
    assert head.final_up.conv.out_channels == 4  # channels: final width


def test_bilinear_option_uses_conv_seg_at_stage_one_resolution():
    head = _head(learned_upsample=False)
    feats = _feats((67, 93))
    logits = head(feats)
    assert logits.shape == (2, 3) + tuple(feats[0].shape[2:])
    assert isinstance(head.conv_seg, nn.Conv2d)
    assert head.conv_seg.kernel_size == (1, 1)


def test_dropout_option():
    assert _head(dropout_ratio=0.0).dropout is None
    assert isinstance(_head(dropout_ratio=0.2).dropout, nn.Dropout2d)


def test_two_stage_backbone():
    head = LinkNetHead(
        in_channels=[8, 16], in_index=[0, 1], channels=4, num_classes=2)
    logits = head(_feats((32, 48), chans=(8, 16))[:2])
    assert logits.shape == (2, 2, 32, 48)


@pytest.mark.parametrize('bad, match', [
    (dict(num_classes=0), 'num_classes must be an integer >= 1'),
    (dict(in_channels=64), 'in_channels must list'),
    (dict(in_channels=[64]), 'in_channels must list'),
    (dict(in_index=[0, 1]), 'in_index must list one backbone output'),
    (dict(reduction=0), 'reduction must be an integer >= 1'),
])
def test_bad_config_is_named(bad, match):
    with pytest.raises(ValueError, match=match):
        _head(**bad)


def test_in_channels_not_matching_backbone():
    head = _head(in_channels=[8, 16, 32, 128])
    with pytest.raises(ValueError, match=r'in_channels=\[8, 16, 32, 128\].*'
                       r'have \[8, 16, 32, 64\] channels'):
        head(_feats((64, 64)))


def test_backbone_with_too_few_outputs():
    head = _head()
    with pytest.raises(ValueError, match='gave 3 feature maps.*at least 4'):
        head(_feats((64, 64))[:3])


def _samples(label):
    return [SegDataSample(gt_sem_seg=PixelData(data=x[None])) for x in label]


@pytest.mark.parametrize('learned_upsample', [True, False])
@pytest.mark.parametrize('two_losses', [False, True])
def test_loss_by_feat_equals_mmseg(learned_upsample, two_losses):
    """Same losses and acc_seg as BaseDecodeHead.loss_by_feat, whether the
    logits have the label's size (no resize) or not (bilinear)."""
    ce = dict(type='CrossEntropyLoss', avg_non_ignore=True)
    losses = [ce, dict(ce, loss_name='loss_other', loss_weight=0.5)] \
        if two_losses else ce
    head = _head(learned_upsample=learned_upsample, loss_decode=losses)
    torch.manual_seed(0)
    logits = head(_feats((64, 64)))
    label = torch.randint(0, 3, (2, 64, 64))
    label[:, :5] = 255
    ours = head.loss_by_feat(logits, _samples(label))
    theirs = BaseDecodeHead.loss_by_feat(head, logits, _samples(label))
    assert ours.keys() == theirs.keys()
    for key in theirs:
        torch.testing.assert_close(ours[key], theirs[key])
    assert 0 < float(ours['acc_seg']) < 100


def test_accuracy_of_fully_ignored_labels_is_mmseg_s():
    head = _head()
    logits = head(_feats((32, 32)))
    label = torch.full((2, 32, 32), 255)
    ours = head.loss_by_feat(logits, _samples(label))['acc_seg']
    theirs = BaseDecodeHead.loss_by_feat(head, logits,
                                         _samples(label))['acc_seg']
    torch.testing.assert_close(ours, theirs)
