"""dataset_meta_of: class names and palette of a config's model."""
from conftest import TINY, TINY_BRAIN, load_config
from linknet_mm.datasets import CityscapesPairsDataset
from linknet_mm.datasets.metainfo import dataset_meta_of


def test_the_test_datasets_classes_and_palette():
    meta = dataset_meta_of(load_config(TINY))
    assert meta['classes'] == CityscapesPairsDataset.METAINFO['classes']
    assert meta['palette'] == [
        list(c) for c in CityscapesPairsDataset.METAINFO['palette']
    ]
    brain = dataset_meta_of(load_config(TINY_BRAIN))
    assert brain == dict(
        classes=('background', 'tumor'), palette=[[0, 0, 0], [255, 0, 0]])


def test_the_datasets_metainfo_setting_wins():
    cfg = load_config(TINY_BRAIN)
    cfg.test_dataloader.dataset.metainfo = dict(
        classes=('healthy', 'lesion'), palette=[[1, 2, 3], [4, 5, 6]])
    assert dataset_meta_of(cfg) == dict(
        classes=('healthy', 'lesion'), palette=[[1, 2, 3], [4, 5, 6]])


def test_other_class_counts_get_ids_and_a_fixed_palette():
    cfg = load_config(TINY_BRAIN)
    cfg.model.decode_head.num_classes = 3
    meta = dataset_meta_of(cfg)
    assert meta['classes'] == ('0', '1', '2')
    assert len(meta['palette']) == 3
    assert all(
        len(c) == 3 and all(0 <= v < 256 for v in c) for c in meta['palette'])
    assert dataset_meta_of(cfg) == meta  # seeded: the same every time
