"""Parity of a candidate segmentor with fp32, on hand-made logits."""
import numpy as np
import pytest
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from linknet_mm.deploy.parity import ParityCheck, format_parity


def _sample(label: np.ndarray) -> dict:
    sample = SegDataSample(metainfo=dict(ori_shape=label.shape))
    sample.gt_sem_seg = PixelData(data=torch.from_numpy(label)[None])
    return dict(inputs=torch.zeros(3, *label.shape), data_samples=sample)


def _logits_of(pred: np.ndarray, classes: int = 2, margin=4.0):
    """A logits function whose argmax is ``pred`` whatever the input, with
    top-1 minus top-2 logit ``margin`` (a number or an array like ``pred``).
    """
    onehot = torch.nn.functional.one_hot(torch.from_numpy(pred), classes)
    logits = onehot.permute(2, 0, 1)[None].float() * torch.as_tensor(margin)

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
    assert results['same']['agreement_floor'] == 1  # fp32 has no near-tie
    shifted_row = results['shifted']
    assert not shifted_row['ok']
    assert shifted_row['agreement'] == pytest.approx(1 - 60 / 400)
    assert shifted_row['Dice_change'] == pytest.approx(70 - 100)
    assert shifted_row['max_logit_diff'] == pytest.approx(4)
    # two classes: judged by the tumour's Dice, the first criterion failed
    assert shifted_row['verdict'] == ('shifted refused: Dice.tumor 70.00 vs '
                                      'fp32 100.00 (-30.00, tolerance 0.50)')
    table = format_parity(results)
    assert 'Dice.tumor' in table and '  NO' in table
    assert table.endswith(shifted_row['verdict'])


def test_one_pixel_off_where_fp32_has_near_ties_passes():
    label = np.zeros((100, 100), np.int64)
    label[20:80, 20:80] = 1
    margin = np.full(label.shape, 4.0)
    margin[20:80, 20] = 0.05  # fp32 hesitates on the tumour's left edge
    nearly = label.copy()
    nearly[0, 0] = 1
    check = ParityCheck(
        _logits_of(label, margin=margin),
        dict(near=_logits_of(nearly)),
        num_classes=2,
        class_names=['background', 'tumor'])
    row = check.run([_sample(label)])['near']
    assert row['agreement'] == pytest.approx(0.9999)
    assert row['near_ties'] == pytest.approx(60 / 10000)
    assert row['agreement_floor'] == pytest.approx(1 - 60 / 10000)
    assert row['ok'], row['verdict']
    assert row['verdict'].startswith('near accepted: Dice.tumor 99.99 vs ')


def _three_class_scene():
    """Labels of three column bands; the top two rows (10 %) unlabelled."""
    label = np.repeat(np.arange(20) // 7, 20).reshape(20, 20).T.copy()
    pred = label.copy()
    label[:2] = 255
    return label, pred


def _flip_rows(pred: np.ndarray, rows: slice) -> np.ndarray:
    flipped = pred.copy()
    flipped[rows] = (flipped[rows] + 1) % 3
    return flipped


@pytest.mark.parametrize(
    'near_ties, flipped_rows, verdict',
    [
        # flips on unlabelled pixels move no score: agreement decides
        (80, slice(0, 1), 'c accepted: mIoU 100.00 vs fp32 100.00 (+0.00, '
         'tolerance 0.50); 95.000 % of pixels agree with fp32, floor 80.000 % '
         '(fp32 near-ties, margin < 0.1 logit: 20.000 %)'),
        (4, slice(0, 1), 'c refused: 95.000 % of pixels agree with fp32, '
         'floor 99.000 % (fp32 near-ties, margin < 0.1 logit: 1.000 %)'),
        # flips on labelled pixels: the metric refuses, whatever agreement
        (400, slice(10, 11), 'c refused: mIoU 89.44 vs fp32 100.00 (-10.56, '
         'tolerance 0.50)'),
    ])
def test_metric_first_then_agreement_over_fp32_near_ties(
        near_ties, flipped_rows, verdict):
    label, pred = _three_class_scene()
    margin = np.full(label.size, 4.0)
    margin[:near_ties] = 0.05  # the first pixels, row by row
    check = ParityCheck(
        _logits_of(pred, 3, margin.reshape(label.shape)),
        dict(c=_logits_of(_flip_rows(pred, flipped_rows), 3)),
        num_classes=3,
        class_names=['a', 'b', 'c'])
    row = check.run([_sample(label)])['c']
    assert row['verdict'] == verdict
    assert row['ok'] == (' accepted: ' in verdict)


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
