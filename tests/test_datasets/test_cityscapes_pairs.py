"""CityscapesPairsDataset: listing, pipelines through DATASETS.build, and
bad input."""
import numpy as np
import pytest
from mmengine.config import Config
from mmseg.datasets import CityscapesDataset
from mmseg.registry import DATASETS

from conftest import CONFIGS, tool_module

from linknet_mm.datasets import CityscapesPairsDataset
from linknet_mm.errors import DatasetNotFoundError, ImageReadError

make_cityscapes_pairs = tool_module(
    'misc/synthetic_cityscapes_pairs.py').make_cityscapes_pairs

BASE_CFG = str(CONFIGS / '_base_' / 'datasets' / 'cityscapes_pairs.py')
DOWNLOAD = 'dansbecker/cityscapes-image-pairs'


@pytest.fixture(scope='module')
def pairs_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('cityscapes_pairs')
    make_cityscapes_pairs(str(root), num_train=3, num_val=2, seed=0)
    return root


def _build(**kwargs):
    return DATASETS.build(dict(type='CityscapesPairsDataset', **kwargs))


def test_cityscapes_pairs_lists_composites(pairs_root):
    dataset = _build(data_root=str(pairs_root))
    assert len(dataset) == 3
    assert dataset.metainfo['classes'] == CityscapesDataset.METAINFO['classes']
    assert dataset.metainfo['palette'] == CityscapesDataset.METAINFO['palette']
    infos = [dataset.get_data_info(i) for i in range(3)]
    assert [info['img_path'] for info in infos
            ] == [str(pairs_root / 'train' / f'{i}.jpg') for i in (1, 2, 3)]
    for info in infos:
        assert info['seg_map_path'] == info['img_path']
        assert info['reduce_zero_label'] is False
        assert info['seg_fields'] == []
    val = _build(data_root=str(pairs_root), data_prefix=dict(img_path='val'))
    assert len(val) == 2


@pytest.mark.parametrize('split, pipeline', [('train', 'train_pipeline'),
                                             ('val', 'test_pipeline')])
def test_cityscapes_pairs_base_config_pipelines(pairs_root, split, pipeline):
    cfg = Config.fromfile(BASE_CFG)
    assert cfg.crop_size == (256, 256)
    loader = cfg.train_dataloader if split == 'train' else cfg.val_dataloader
    loader.dataset.data_root = str(pairs_root)
    dataset = DATASETS.build(loader.dataset)
    assert dataset.data_prefix['img_path'].endswith(split)
    assert [t['type'] for t in cfg[pipeline]][:2] == [
        'LoadImageFromFile', 'SplitImagePair'
    ]
    for i in range(len(dataset)):
        sample = dataset[i]
        size = tuple(sample['inputs'].shape[1:])
        gt = sample['data_samples'].gt_sem_seg.data
        assert sample['inputs'].shape[0] == 3 and gt.shape[0] == 1
        assert tuple(gt.shape[1:]) == size
        if split == 'train':  # RandomResize 0.5-2x, then 256x256 crops
            assert max(size) <= 256 and min(size) >= 128
        else:
            assert size == (256, 256)
        values = set(gt.unique().tolist())
        assert values <= set(range(19)) | {255}
        assert len(values - {255}) >= 4  # road, sky, building, car...
        assert sample['data_samples'].ori_shape == (256, 256)


def test_cityscapes_pairs_class_subset(pairs_root):
    dataset = _build(
        data_root=str(pairs_root),
        metainfo=dict(classes=('road', 'car')),
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='SplitImagePair'),
            dict(type='DecodeCityscapesColors')
        ])
    assert dataset.metainfo['palette'] == [[128, 64, 128], [0, 0, 142]]
    gt = dataset[0]['gt_seg_map']
    assert set(np.unique(gt).tolist()) <= {0, 1, 255}
    assert {0, 1} <= set(np.unique(gt).tolist())


def test_cityscapes_pairs_missing_data_root(tmp_path):
    missing = tmp_path / 'nowhere'
    with pytest.raises(DatasetNotFoundError) as info:
        _build(data_root=str(missing))
    message = str(info.value)
    assert str(missing) in message and DOWNLOAD in message
    assert 'data_root/train and data_root/val' in message


def test_cityscapes_pairs_missing_split_folder(tmp_path):
    (tmp_path / 'train').mkdir()
    with pytest.raises(DatasetNotFoundError) as info:
        _build(data_root=str(tmp_path), data_prefix=dict(img_path='val'))
    message = str(info.value)
    assert str(tmp_path / 'val') in message and DOWNLOAD in message


def test_cityscapes_pairs_empty_folder(tmp_path):
    (tmp_path / 'train').mkdir()
    (tmp_path / 'train' / 'notes.txt').write_text('no images here')
    with pytest.raises(DatasetNotFoundError, match=r'has no \*\.jpg files'):
        _build(data_root=str(tmp_path))


@pytest.mark.parametrize('key, value', [('ann_file', 'train.txt'),
                                        ('seg_map_suffix', '.png'),
                                        ('reduce_zero_label', True)])
def test_cityscapes_pairs_rejects_unused_settings(pairs_root, key, value):
    with pytest.raises(ValueError, match=f'does not take {key}='):
        CityscapesPairsDataset(data_root=str(pairs_root), **{key: value})


@pytest.mark.parametrize('broken', ['truncated', 'empty'])
def test_broken_composite_in_val_is_named(pairs_root, tmp_path, broken):
    val = tmp_path / 'val'
    val.mkdir()
    content = (pairs_root / 'val' / '1.jpg').read_bytes()
    (val / '1.jpg').write_bytes(content[:len(content) // 2] if broken ==
                                'truncated' else b'')
    cfg = Config.fromfile(BASE_CFG)
    cfg.val_dataloader.dataset.data_root = str(tmp_path)
    # the pre-flight check off: the load-time error (test_file_check
    # covers the check)
    cfg.val_dataloader.dataset.check_files = False
    dataset = DATASETS.build(cfg.val_dataloader.dataset)
    with pytest.raises(ImageReadError,
                       match=f'{val / "1.jpg"} is .*re-download'):
        dataset[0]
