"""ClassWiseIoUMetric: IoUMetric's summary plus per-class and confusion."""
import json

import pytest
import torch
from mmengine.structures import PixelData
from mmseg.evaluation import IoUMetric
from mmseg.structures import SegDataSample

from linknet_mm.evaluation import ClassWiseIoUMetric


def _sample(pred, label, name='a.png'):
    sample = SegDataSample(metainfo=dict(img_path=name))
    sample.pred_sem_seg = PixelData(data=torch.tensor([pred]))
    sample.gt_sem_seg = PixelData(data=torch.tensor([label]))
    return sample.to_dict()


@pytest.fixture
def metric(tmp_path):
    metric = ClassWiseIoUMetric(
        iou_metrics=['mIoU', 'mDice'], output_dir=str(tmp_path))
    metric.dataset_meta = dict(classes=('bg', 'fg'))
    return metric


def test_per_class_entries_and_confusion(metric, tmp_path):
    pred = [[0, 0, 1, 1], [0, 1, 1, 1]]
    label = [[0, 0, 0, 1], [255, 1, 1, 1]]  # one ignored pixel
    metric.process({}, [_sample(pred, label)])
    metrics = metric.compute_metrics(metric.results)
    # bg: intersect 2, union 3; fg: intersect 4, union 5
    assert metrics['IoU.bg'] == pytest.approx(66.67, abs=0.01)
    assert metrics['IoU.fg'] == pytest.approx(80.0)
    assert metrics['mIoU'] == pytest.approx(73.33, abs=0.01)
    assert metrics['Dice.fg'] == pytest.approx(88.89, abs=0.01)
    confusion = json.loads((tmp_path / 'confusion_matrix.json').read_text())
    assert confusion == dict(classes=['bg', 'fg'], counts=[[2, 1], [0, 4]])
    per_class = json.loads((tmp_path / 'per_class.json').read_text())
    assert per_class['fg']['IoU'] == pytest.approx(80.0)
    assert (tmp_path / 'confusion_matrix.png').stat().st_size > 0
    assert (tmp_path / 'a.png').exists()  # IoUMetric's prediction file


def test_summary_equals_mmseg_iou_metric(metric):
    stock = IoUMetric(iou_metrics=['mIoU', 'mDice'])
    stock.dataset_meta = metric.dataset_meta
    metric.output_dir = None
    samples = [
        _sample([[1, 0], [1, 1]], [[1, 1], [0, 1]]),
        _sample([[0, 0], [0, 1]], [[0, 0], [1, 1]])
    ]
    for m in (metric, stock):
        m.process({}, samples)
    ours = metric.compute_metrics(metric.results)
    theirs = stock.compute_metrics(stock.results)
    assert {k: ours[k] for k in theirs} == theirs
