"""tools/analysis_tools/class_report.py: per-class failure analysis from a
confusion matrix, on counts whose answers are worked out by hand, and the
tool's tables and sample figure."""
import json
import math

import cv2
import numpy as np
import pytest

from conftest import run_tool, tool_module

report = tool_module('analysis_tools/class_report.py')
class_rows, coverage_groups = report.class_rows, report.coverage_groups
load_confusion, top_confusions = report.load_confusion, report.top_confusions

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
    assert [group[:2] for group in groups] == [
        ('>= 10 %', ['road', 'sidewalk']), ('1-10 %', ['pole'])]
    assert groups[0][2] == pytest.approx(
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


def test_class_report_prints_groups_confusions_and_draws(tmp_path):
    path = tmp_path / 'confusion_matrix.json'
    path.write_text(json.dumps(dict(
        classes=['road', 'pole'], counts=[[90, 0], [6, 4]])))
    vis = tmp_path / 'vis' / '20261203_000000' / 'vis_data'
    vis.mkdir(parents=True)
    for i, name in enumerate(['1.jpg', '2.jpg', '3.jpg']):
        cv2.imwrite(str(vis / f'test_{name}_{i}.png'),
                    np.full((40, 120, 3), 60 * i, np.uint8))
    out = tmp_path / 'sample.png'
    proc = run_tool('analysis_tools/class_report.py', path, '--vis-dir',
                    tmp_path / 'vis', '--num', '2', '--out', out)
    lines = proc.stdout.splitlines()
    assert any(line.split() == ['pole', '10.000', '40.00', '40.00']
               for line in lines), proc.stdout
    assert any('>= 10 %' in line and 'road, pole' in line
               for line in lines), proc.stdout
    assert any(line.split()[:4] == ['pole', '->', 'road', '60.00']
               for line in lines), proc.stdout
    figure = cv2.imread(str(out))
    # two panels side by side, 576 wide each
    assert figure is not None and figure.shape[1] == 2 * 576


def test_class_report_without_the_file_is_one_line(tmp_path):
    proc = run_tool('analysis_tools/class_report.py',
                    tmp_path / 'none.json', check=False)
    assert proc.returncode != 0
    assert proc.stderr.strip().splitlines()[-1].startswith('error: ')
