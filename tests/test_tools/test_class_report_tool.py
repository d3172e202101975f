"""tools/analysis_tools/class_report.py: tables and the sample figure."""
import json

import cv2
import numpy as np

from conftest import run_tool


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
