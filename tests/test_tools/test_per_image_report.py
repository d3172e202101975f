"""tools/analysis_tools/per_image_report.py: reading per_image_dice.json
back: size table, worst, spread, panels."""
import json

import numpy as np
import pytest

from conftest import tool_module

report = tool_module('analysis_tools/per_image_report.py')
dice_by_size, find_panel = report.dice_by_size, report.find_panel
load_per_image, spread, worst = (report.load_per_image, report.spread,
                                 report.worst)

ROWS = [  # (name, Dice %, tumour area %)
    ('1.png', 90.0, 0.5), ('2.png', 10.0, 0.8), ('3.png', 70.0, 1.5),
    ('4.png', 100.0, 0.0), ('5.png', 40.0, 3.0), ('6.png', 80.0, 2.5)
]


@pytest.fixture
def path(tmp_path):
    file = tmp_path / 'per_image_dice.json'
    file.write_text(json.dumps([
        dict(img_path=f'/data/{n}', Dice=dict(tumor=d),
             gt_percent=dict(tumor=a)) for n, d, a in ROWS
    ]))
    return str(file)


def test_dice_by_size(path):
    table = dice_by_size(load_per_image(path, 'tumor'), (1, 2))
    assert [row[:2] for row in table] == [
        ('<1%', 2), ('1-2%', 1), ('>=2%', 2), ('absent', 1)]
    assert table[0][2] == 50 and table[2][3] == 60  # mean, median
    assert table[3][2] == 100


def test_worst_and_spread(path):
    scores = load_per_image(path, 'tumor')
    assert worst(scores, 2) == [1, 4]  # 2.png (10), 5.png (40)
    # ranking 4,1,6,3,5,2 (best first): positions 0, 2.5->2, 5
    assert spread(scores, 3) == [3, 5, 1]
    assert len(spread(scores, 10)) == 6
    np.testing.assert_array_equal(scores.gt_percent[:2], [0.5, 0.8])


def test_missing_file_and_class(path, tmp_path):
    with pytest.raises(FileNotFoundError, match='--out'):
        load_per_image(str(tmp_path / 'none.json'), 'tumor')
    with pytest.raises(ValueError, match=r"'edema'.*\['tumor'\]"):
        load_per_image(path, 'edema')


def test_find_panel(tmp_path):
    folder = tmp_path / 'vis' / 'vis_data' / 'vis_image'
    folder.mkdir(parents=True)
    (folder / 'test_12.png_0.png').write_bytes(b'')
    assert find_panel(str(tmp_path / 'vis'), '/x/12.png').endswith(
        'test_12.png_0.png')
    with pytest.raises(FileNotFoundError, match='test_1.png_'):
        find_panel(str(tmp_path / 'vis'), '/x/1.png')
