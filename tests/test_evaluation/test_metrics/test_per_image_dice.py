"""Per-image Dice on hand-made masks, answers computed by hand."""
import json

import numpy as np
import pytest
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from linknet_mm.evaluation import ClassWiseIoUMetric
from linknet_mm.evaluation.metrics.per_image_dice import (area_bin_names,
                                                          per_image_dice,
                                                          summarize_dice)


def _sample(pred, label, name):
    sample = SegDataSample(metainfo=dict(img_path=name))
    sample.pred_sem_seg = PixelData(data=torch.tensor([pred]))
    sample.gt_sem_seg = PixelData(data=torch.tensor([label]))
    return sample.to_dict()


# Four 4x4 slices (16 pixels each), class 1 = tumour:
# a: truth 4 px, prediction 2 px inside it   -> 2*2/(2+4)  = 2/3
# b: truth 2 px, prediction the same 2 px    -> 1
# c: truth empty, prediction empty           -> 1 (the rule)
# d: truth 1 px, prediction 3 px elsewhere   -> 0
EMPTY = [[0] * 4 for _ in range(4)]


def _mask(*pixels):
    mask = [row[:] for row in EMPTY]
    for r, c in pixels:
        mask[r][c] = 1
    return mask


CASES = {
    'a.png': (_mask((0, 0), (0, 1)), _mask((0, 0), (0, 1), (1, 0), (1, 1))),
    'b.png': (_mask((2, 2), (2, 3)), _mask((2, 2), (2, 3))),
    'c.png': (EMPTY, EMPTY),
    'd.png': (_mask((0, 0), (0, 1), (0, 2)), _mask((3, 3))),
}


def test_per_image_dice_by_hand():
    dice = per_image_dice([2, 2, 0, 0], [2, 2, 0, 3], [4, 2, 0, 1])
    np.testing.assert_allclose(dice, [2 / 3, 1, 1, 0])


def test_empty_truth_with_prediction_scores_zero():
    assert per_image_dice([0], [5], [0])[0] == 0
    assert per_image_dice([0], [0], [5])[0] == 0


def test_summary_statistics_by_hand():
    dice = np.array([2 / 3, 1, 1, 0])
    summary = summarize_dice(dice, np.array([25, 12.5, 0, 6.25]), (10, 20))
    assert summary['mean'] == pytest.approx(100 * (2 / 3 + 2) / 4)
    assert summary['median'] == pytest.approx(100 * (2 / 3 + 1) / 2)
    # numpy's linear percentile: position 0.3 between 0 and 2/3
    assert summary['p10'] == pytest.approx(100 * 0.3 * 2 / 3)
    # the empty slice (0 %) falls in no bin
    assert summary['count@<10%'] == 1 and summary['mean@<10%'] == 0
    assert summary['count@10-20%'] == 1
    assert summary['mean@10-20%'] == pytest.approx(100)
    assert summary['count@>=20%'] == 1
    assert summary['mean@>=20%'] == pytest.approx(200 / 3)


def test_bin_names():
    assert area_bin_names((1, 2.5)) == ['<1%', '1-2.5%', '>=2.5%']
    assert area_bin_names(()) == []


def test_metric_reports_per_image_dice(tmp_path):
    metric = ClassWiseIoUMetric(
        iou_metrics=['mIoU', 'mDice'],
        per_image_classes=['tumor'],
        area_bins=(10, 20),
        output_dir=str(tmp_path))
    metric.dataset_meta = dict(classes=('background', 'tumor'))
    metric.process({}, [_sample(p, g, n) for n, (p, g) in CASES.items()])
    metrics = metric.compute_metrics(metric.results)
    assert metrics['per_image_Dice.tumor'] == pytest.approx(66.67, abs=0.01)
    assert metrics['per_image_Dice_median.tumor'] == pytest.approx(
        83.33, abs=0.01)
    assert metrics['per_image_Dice_p10.tumor'] == pytest.approx(20.0)
    # global Dice differs: 2*4 / (7 + 7) over all pixels
    assert metrics['Dice.tumor'] == pytest.approx(57.14, abs=0.01)
    # sizes: a 25 %, b 12.5 %, d 6.25 % of 16 pixels
    assert metrics['per_image_Dice.tumor@<10%'] == 0
    assert metrics['per_image_Dice.tumor@10-20%'] == 100
    assert metrics['per_image_Dice.tumor@>=20%'] == pytest.approx(66.67)
    assert metrics['per_image_count.tumor@>=20%'] == 1
    rows = json.loads((tmp_path / 'per_image_dice.json').read_text())
    assert [r['img_path'] for r in rows] == list(CASES)
    assert [r['Dice']['tumor'] for r in rows] == [66.67, 100, 100, 0]
    assert rows[0]['gt_percent']['tumor'] == 25


def test_unknown_class_is_refused_when_the_dataset_is_known():
    metric = ClassWiseIoUMetric(per_image_classes=['tumour'])
    with pytest.raises(ValueError, match=r"\['tumour'\].*'tumor'"):
        metric.dataset_meta = dict(classes=('background', 'tumor'))


def test_area_bins_must_increase():
    with pytest.raises(ValueError, match='area_bins'):
        ClassWiseIoUMetric(area_bins=(2, 1))


def test_without_per_image_classes_no_entries():
    metric = ClassWiseIoUMetric(iou_metrics=['mDice'])
    metric.dataset_meta = dict(classes=('background', 'tumor'))
    metric.process({}, [_sample(p, g, n) for n, (p, g) in CASES.items()])
    assert not any('image' in k
                   for k in metric.compute_metrics(metric.results))
