"""configs/linknet/metafile.yaml: mmseg's model-zoo schema, real configs."""
import re

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
        for key in ('Backbone', 'Crop Size', 'Iterations', 'Training Time',
                    'Training Resources'):
            assert key in model['Metadata'], (model['Name'], key)
        results = model['Results']
        data = model['Metadata']['Training Data']
        assert data in SPLITS, (model['Name'], data)
        assert {r['Dataset']
                for r in results
                } >= {f'{data} {split} split'
                      for split in SPLITS[data]}
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


#: The README's names for the data sets of the metafile.
README_DATA = {
    'Cityscapes pairs': 'Cityscapes pairs (Kaggle)',
    'Brain tumour': 'Brain Tumor (Kaggle)',
}


def readme_results() -> list:
    """The rows of the README's results table, as dicts by column."""
    text = (REPO / 'README.md').read_text(encoding='utf-8')
    section = text[text.index('\n## Results\n'):]
    section = section[:section.index('\n## ', 1)]
    table = [line for line in section.splitlines() if line.startswith('|')]
    header = [c.strip() for c in table[0].strip('|').split('|')]
    assert set(table[1]) <= set('|- ')  # the separator row
    return [
        dict(zip(header, (c.strip() for c in row.strip('|').split('|'))))
        for row in table[2:]
    ]


def test_readme_results_equal_the_metafile(metafile):
    models = {m['Config']: m for m in metafile['Models']}
    rows = readme_results()
    configs = []
    for row in rows:
        (config, ) = re.findall(r'\]\((configs/linknet/[^)]+\.py)\)',
                                row['config'])
        configs.append(config)
        model = models[config]
        data = model['Metadata']['Training Data']
        assert README_DATA[row['data']] == data, row
        assert row['split'] in SPLITS[data], row
        assert int(row['iters'].rstrip('k')) * 1000 == \
            model['Metadata']['Iterations'], row
        assert (row['pretrain'] == 'none') == \
            model['Metadata']['Pretrained'].startswith('none'), row
        (result, ) = [
            r for r in model['Results']
            if r['Dataset'] == f"{data} {row['split']} split"
        ]
        for metric in ('mIoU', 'aAcc', 'Dice.tumor'):
            if metric not in result['Metrics']:
                assert row[metric] == '—', (config, metric)
            else:  # copied with two decimals, as the model zoo prints it
                assert row[metric] == f"{result['Metrics'][metric]:.2f}", (
                    config, metric, row[metric])
    assert sorted(configs) == sorted(models)  # every measured model, once
