"""configs/linknet/metafile.yaml: mmseg's model-zoo schema, real configs."""
import pytest
import yaml
from mmseg.registry import MODELS

from conftest import CONFIGS, REPO, load_config

METAFILE = CONFIGS / 'linknet' / 'metafile.yaml'
#: The splits every model of a data set reports (the Cityscapes pairs have
#: no test split), and the metrics each result has.
SPLITS = {
    'Brain Tumor (Kaggle)': ('val', 'test'),
    'Cityscapes pairs (Kaggle)': ('val', ),
}
METRICS = {
    'Brain Tumor (Kaggle)':
    ('Dice.tumor', 'IoU.tumor', 'per_image_Dice.tumor', 'mIoU'),
    'Cityscapes pairs (Kaggle)': ('mIoU', 'aAcc', 'IoU.road', 'IoU.car'),
}
NUM_CLASSES = {'Brain Tumor (Kaggle)': 2, 'Cityscapes pairs (Kaggle)': 19}


@pytest.fixture(scope='module')
def metafile() -> dict:
    with open(METAFILE) as f:
        return yaml.safe_load(f)


def test_collection(metafile):
    (collection, ) = metafile['Collections']
    assert collection['Name'] == 'LinkNet'
    assert (REPO / collection['README']).is_file()
    assert collection['Paper']['URL'] == 'https://arxiv.org/abs/1707.03718'


def test_models_name_their_config_and_results(metafile):
    names = [m['Name'] for m in metafile['Models']]
    assert len(names) == len(set(names))
    for model in metafile['Models']:
        assert model['In Collection'] == 'LinkNet'
        config = REPO / model['Config']
        assert config.is_file(), model['Config']
        assert config.stem == model['Name']
        for key in ('Backbone', 'Crop Size', 'Iterations',
                    'Training Time', 'Training Resources'):
            assert key in model['Metadata'], (model['Name'], key)
        results = model['Results']
        data = model['Metadata']['Training Data']
        assert data in SPLITS, (model['Name'], data)
        assert {r['Dataset'] for r in results} >= {
            f'{data} {split} split' for split in SPLITS[data]}
        for result in results:
            assert result['Task'] == 'Semantic Segmentation'
            metrics = result['Metrics']
            for key in METRICS[data]:
                assert 0 < metrics[key] <= 100, (model['Name'], key)


@pytest.mark.parametrize(
    'config, data', [(m['Config'], m['Metadata']['Training Data'])
                     for m in yaml.safe_load(METAFILE.read_text())['Models']])
def test_metafile_configs_build(config, data):
    cfg = load_config(REPO / config)
    model = MODELS.build(cfg.model)
    assert model.decode_head.num_classes == NUM_CLASSES[data]
