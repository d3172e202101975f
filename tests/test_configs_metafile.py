"""configs/linknet/metafile.yaml: mmseg's model-zoo schema, real configs."""
import pytest
import yaml
from mmseg.registry import MODELS

from conftest import CONFIGS, REPO, load_config

METAFILE = CONFIGS / 'linknet' / 'metafile.yaml'


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
        assert {r['Dataset'] for r in results} >= {
            'Brain Tumor (Kaggle) val split',
            'Brain Tumor (Kaggle) test split'
        }
        for result in results:
            assert result['Task'] == 'Semantic Segmentation'
            metrics = result['Metrics']
            for key in ('Dice.tumor', 'IoU.tumor', 'per_image_Dice.tumor',
                        'mIoU'):
                assert 0 < metrics[key] <= 100, (model['Name'], key)


@pytest.mark.parametrize(
    'config', [m['Config'] for m in yaml.safe_load(
        METAFILE.read_text())['Models']])
def test_metafile_configs_build(config):
    cfg = load_config(REPO / config)
    model = MODELS.build(cfg.model)
    assert model.decode_head.num_classes == 2
