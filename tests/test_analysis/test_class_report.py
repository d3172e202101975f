"""Per-class failure analysis from a confusion matrix, on counts whose
answers are worked out by hand."""
import json
import math

import numpy as np
import pytest

from linknet_mm.analysis.class_report import (class_rows, coverage_groups,
                                              load_confusion, top_confusions)

CLASSES = ['road', 'sidewalk', 'pole', 'train']
# rows: truth; road 880 px, sidewalk 100, pole 20, train never labelled
COUNTS = np.array([
    [800, 80, 0, 0],
    [40, 60, 0, 0],
    [10, 0, 10, 0],
    [0, 0, 0, 0],
])


def test_class_rows_iou_share_and_accuracy():
    rows = {r.name: r for r in class_rows(CLASSES, COUNTS)}
    # road: 800 / (880 + 850 - 800)
    assert rows['road'].iou == pytest.approx(100 * 800 / 930)
    assert rows['road'].share == pytest.approx(88.0)
    assert rows['road'].acc == pytest.approx(100 * 800 / 880)
    # sidewalk: 60 / (100 + 140 - 60)
    assert rows['sidewalk'].iou == pytest.approx(100 * 60 / 180)
    assert rows['pole'].iou == pytest.approx(50.0)
    assert rows['pole'].share == pytest.approx(2.0)
    assert math.isnan(rows['train'].iou) and rows['train'].share == 0


def test_coverage_groups_leave_out_absent_classes():
    groups = coverage_groups(class_rows(CLASSES, COUNTS))
    assert [(g.name, g.classes) for g in groups] == [
        ('>= 10 %', ['road', 'sidewalk']), ('1-10 %', ['pole'])]
    assert groups[0].mean_iou == pytest.approx(
        (100 * 800 / 930 + 100 * 60 / 180) / 2)


def test_top_confusions_are_shares_of_the_true_class():
    assert top_confusions(CLASSES, COUNTS, 2) == [
        ('pole', 'road', pytest.approx(50.0)),
        ('sidewalk', 'road', pytest.approx(40.0))]


def test_load_confusion_round_trip_and_errors(tmp_path):
    path = tmp_path / 'confusion_matrix.json'
    path.write_text(json.dumps(dict(classes=CLASSES,
                                    counts=COUNTS.tolist())))
    classes, counts = load_confusion(str(path))
    assert classes == CLASSES and (counts == COUNTS).all()
    path.write_text(json.dumps(dict(classes=CLASSES[:2],
                                    counts=COUNTS.tolist())))
    with pytest.raises(ValueError, match='counts of shape'):
        load_confusion(str(path))
    with pytest.raises(FileNotFoundError, match='--work-dir'):
        load_confusion(str(tmp_path / 'absent.json'))
