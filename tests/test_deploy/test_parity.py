"""Parity of a candidate segmentor with fp32, on hand-made logits."""
import numpy as np
import pytest
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from linknet_mm.deploy.parity import MIN_AGREEMENT, ParityCheck, format_parity


def _sample(label: np.ndarray) -> dict:
    sample = SegDataSample(metainfo=dict(ori_shape=label.shape))
    sample.gt_sem_seg = PixelData(data=torch.from_numpy(label)[None])
    return dict(inputs=torch.zeros(3, *label.shape), data_samples=sample)


def _logits_of(pred: np.ndarray, classes: int = 2):
    """A logits function whose argmax is ``pred`` whatever the input."""
    onehot = torch.nn.functional.one_hot(torch.from_numpy(pred), classes)
    logits = onehot.permute(2, 0, 1)[None].float() * 4

    def run(inputs):
        return logits.expand(inputs.shape[0], -1, -1, -1)

    return run


def test_scores_match_hand_counts_and_leave_out_ignored_pixels():
    pred = np.array([[0, 0, 1], [1, 2, 2]])
    label = np.array([[0, 1, 1], [255, 2, 0]])
    # kept (pred, label): (0,0) (0,1) (1,1) (2,2) (2,0): IoU 1/3, 1/2, 1/2
    check = ParityCheck(_logits_of(pred, 3), {}, 3, ['a', 'b', 'c'])
    fp32 = check.run([_sample(label)])['fp32']
    assert fp32['mIoU'] == pytest.approx((100 / 3 + 50 + 50) / 3)
    assert 'Dice' not in fp32  # only for two classes
    two = ParityCheck(_logits_of(pred.clip(0, 1)), {}, 2, ['bg', 'fg'])
    # (0,0) (0,1) (1,1) (1,1) (1,0): Dice of class 1 = 2*2 / (3 + 3)
    assert two.run([_sample(label.clip(0, 1) + 254 * (label == 255))
                    ])['fp32']['Dice'] == pytest.approx(200 / 3)


def test_identical_candidate_passes_and_a_wrong_one_fails():
    label = np.zeros((20, 20), np.int64)
    label[5:15, 5:15] = 1
    reference = _logits_of(label)
    shifted = np.roll(label, 3, axis=1)  # 60 of 400 pixels change
    check = ParityCheck(
        reference,
        dict(same=_logits_of(label), shifted=_logits_of(shifted)),
        num_classes=2,
        class_names=['background', 'tumor'])
    results = check.run([_sample(label)] * 2)
    assert results['fp32']['Dice'] == pytest.approx(100)
    assert results['same']['ok'] and results['same']['agreement'] == 1
    assert results['same']['max_logit_diff'] == 0
    shifted_row = results['shifted']
    assert not shifted_row['ok']
    assert shifted_row['agreement'] == pytest.approx(1 - 60 / 400)
    assert shifted_row['agreement'] < MIN_AGREEMENT
    assert shifted_row['Dice_change'] == pytest.approx(70 - 100)
    assert shifted_row['max_logit_diff'] == pytest.approx(4)
    assert any('agreement' in f for f in shifted_row['failed'])
    assert any('Dice' in f for f in shifted_row['failed'])
    table = format_parity(results)
    assert 'Dice.tumor' in table and 'NO: ' in table


def test_one_pixel_off_in_a_large_image_still_passes():
    label = np.zeros((100, 100), np.int64)
    label[20:80, 20:80] = 1
    nearly = label.copy()
    nearly[0, 0] = 1
    check = ParityCheck(
        _logits_of(label),
        dict(near=_logits_of(nearly)),
        num_classes=2,
        class_names=['background', 'tumor'])
    row = check.run([_sample(label)])['near']
    assert row['agreement'] == pytest.approx(0.9999)
    assert row['ok'], row['failed']


def test_no_image_is_an_error():
    check = ParityCheck(
        _logits_of(np.zeros((2, 2), np.int64)), {}, 2, ['a', 'b'])
    with pytest.raises(ValueError, match='saw no image'):
        check.run([])


def test_speed_is_timed_one_precision_after_the_other():
    label = np.zeros((8, 8), np.int64)
    calls = []

    def recording(name):
        run = _logits_of(label)

        def call(inputs):
            calls.append(name)
            return run(inputs)

        return call

    check = ParityCheck(
        recording('fp32'), dict(int8=recording('int8')), 2,
        ['background', 'tumor'])
    results = check.run([_sample(label)] * 3)
    # parity pass: interleaved; timing: a warm-up and 3 calls each, in blocks
    assert calls[:6] == ['fp32', 'int8'] * 3
    assert calls[6:] == ['fp32'] * 4 + ['int8'] * 4
    assert results['int8']['ms_per_image'] > 0
