"""TrainingCurvesHook in-process: reads mmengine's scalars, draws them."""
import json
from types import SimpleNamespace

import cv2

from linknet_mm.engine import TrainingCurvesHook
from linknet_mm.engine.hooks.training_curves_hook import read_scalars

RECORDS = [
    dict(step=1, loss=1.0, lr=0.1), dict(step=2, loss=0.5),
    dict(step=2, mIoU=40.0, **{'Dice.tumor': 50.0}),
    dict(step=4, mIoU=45.0, **{'Dice.tumor': 55.0})
]


def _log_dir(tmp_path):
    scalars = tmp_path / 'vis_data' / 'scalars.json'
    scalars.parent.mkdir()
    scalars.write_text('\n'.join(json.dumps(r) for r in RECORDS))
    return tmp_path


def test_read_scalars(tmp_path):
    path = _log_dir(tmp_path) / 'vis_data' / 'scalars.json'
    series = read_scalars(str(path), ('loss', 'Dice.tumor', 'absent'))
    assert series == {'loss': ([1, 2], [1.0, 0.5]),
                      'Dice.tumor': ([2, 4], [50.0, 55.0])}


def test_curves_drawn_after_training(tmp_path):
    runner = SimpleNamespace(log_dir=str(_log_dir(tmp_path)))
    TrainingCurvesHook(metrics=['mIoU', 'Dice.tumor']).after_train(runner)
    picture = cv2.imread(str(tmp_path / 'training_curves.png'))
    assert picture.shape == (400, 1000, 3)


def test_no_scalars_no_picture(tmp_path):
    runner = SimpleNamespace(log_dir=str(tmp_path))
    TrainingCurvesHook().after_train(runner)
    assert not (tmp_path / 'training_curves.png').exists()
