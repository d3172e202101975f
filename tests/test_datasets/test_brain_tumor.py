"""BrainTumorDataset: real pairs, splits, split files and bad input."""
import os.path as osp
import random
import re

import cv2
import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS

from conftest import CONFIGS, real_data, tool_module

import linknet_mm  # noqa: F401
from linknet_mm.datasets import BrainTumorDataset
from linknet_mm.datasets.brain_tumor import split_names
from linknet_mm.errors import ImageReadError, InputError

make_brain_tumor = tool_module(
    'misc/synthetic_brain_tumor.py').make_brain_tumor

BASE_CFG = str(CONFIGS / '_base_' / 'datasets' / 'brain_tumor.py')
REAL_256 = {'955', '1203'}  # the copied pairs that are 256x256


def _stem(path):
    return osp.splitext(osp.basename(path))[0]


def _names(dataset):
    return [
        _stem(dataset.get_data_info(i)['img_path'])
        for i in range(len(dataset))
    ]


def _build(**kwargs):
    init_default_scope('mmseg')
    return DATASETS.build(dict(type='BrainTumorDataset', **kwargs))


def _pipelines():
    cfg = Config.fromfile(BASE_CFG)
    return cfg.train_pipeline, cfg.test_pipeline


def _write_pairs(root, stems, size=(8, 8), mask_size=None):
    """Write grey image/mask pairs with a 2x2 tumour in each mask."""
    mask_size = mask_size or size
    (root / 'images').mkdir(parents=True, exist_ok=True)
    (root / 'masks').mkdir(parents=True, exist_ok=True)
    for stem in stems:
        img = np.full(size, 60, np.uint8)
        mask = np.zeros(mask_size, np.uint8)
        mask[2:4, 2:4] = 255
        cv2.imwrite(str(root / 'images' / f'{stem}.png'), img)
        cv2.imwrite(str(root / 'masks' / f'{stem}.png'), mask)
    return root


@pytest.fixture
def real_root():
    return str(real_data('brain_tumor'))


@pytest.fixture(scope='module')
def full_size_root(tmp_path_factory):
    """3064 empty pairs: listing and splitting (without the check of the
    files) never open them."""
    root = tmp_path_factory.mktemp('brain_tumor_3064')
    for sub in ('images', 'masks'):
        (root / sub).mkdir()
        for i in range(1, 3065):
            (root / sub / f'{i}.png').touch()
    return str(root)


def test_real_pairs_through_test_pipeline(real_root):
    _, test_pipeline = _pipelines()
    dataset = _build(
        data_root=real_root,
        split_ratios=(1, 0, 0),
        pipeline=test_pipeline,
        test_mode=True)
    assert len(dataset) == 15
    assert REAL_256 <= set(_names(dataset))
    assert dataset.metainfo['classes'] == ('background', 'tumor')
    for i in range(len(dataset)):
        out = dataset[i]
        sample = out['data_samples']
        side = 256 if _stem(sample.img_path) in REAL_256 else 512
        assert sample.ori_shape == (side, side)
        # grey PNG fed as 3 equal channels, resized to 256 (both sizes)
        inputs = out['inputs']
        assert inputs.shape == (3, 256, 256)
        assert (inputs == inputs[:1]).all()
        # mask kept at its original size for the metric, ids 0/1
        gt = sample.gt_sem_seg.data
        assert gt.shape == (1, side, side)
        assert set(gt.unique().tolist()) == {0, 1}


def test_real_pairs_through_train_pipeline(real_root):
    train_pipeline, _ = _pipelines()
    dataset = _build(
        data_root=real_root, split_ratios=(1, 0, 0), pipeline=train_pipeline)
    for i in range(len(dataset)):
        out = dataset[i]
        # whole slice at 256, rescaled 0.8-1.25x, cropped to at most 256
        # (the data preprocessor pads smaller ones)
        _, height, width = out['inputs'].shape
        assert 0.8 * 256 - 1 <= height == width <= 256
        gt = out['data_samples'].gt_sem_seg.data
        assert gt.shape == (1, height, width)
        assert set(gt.unique().tolist()) <= {0, 1}


def test_real_default_split(real_root):
    parts = [
        set(_names(_build(data_root=real_root, split=split)))
        for split in ('train', 'val', 'test')
    ]
    assert [len(p) for p in parts] == [9, 3, 3]
    assert len(set.union(*parts)) == 15


def test_split_sizes_full_set(full_size_root):
    parts = {
        split: _names(_build(
            data_root=full_size_root, split=split, check_files=False))
        for split in ('train', 'val', 'test')
    }
    sizes = {split: len(names) for split, names in parts.items()}
    assert sizes == dict(train=1840, val=612, test=612)
    everything = set().union(*parts.values())
    assert everything == {str(i) for i in range(1, 3065)}  # disjoint, all
    # The same on every machine and run: pinned names of seed 0.
    assert parts['val'][:5] == ['1', '100', '1004', '1005', '1007']
    assert parts['test'][:5] == ['1006', '1014', '1016', '1022', '103']


def test_split_custom_ratios_and_seed(full_size_root):
    val = _names(
        _build(
            data_root=full_size_root,
            split='val',
            split_ratios=(0.7, 0.15, 0.15),
            split_seed=3,
            check_files=False))
    assert len(val) == 459  # floor(3064 * 0.15)
    default_val = _names(
        _build(data_root=full_size_root, split='val', check_files=False))
    assert set(val) != set(default_val)


def test_split_independent_of_listing_order():
    names = [str(i) for i in range(1, 3065)]
    shuffled = names[:]
    random.Random(7).shuffle(shuffled)
    for split in ('train', 'val', 'test'):
        expected = split_names(names, split)
        assert split_names(names[::-1], split) == expected
        assert split_names(shuffled, split) == expected
    assert split_names(names, 'val', split_seed=1) != split_names(names, 'val')


@pytest.mark.parametrize('kwargs, match', [
    (dict(split='training'), "split must be one of.*'training'"),
    (dict(split_ratios=(0.5, 0.2, 0.2)), r'summing to 1.*sum 0\.9'),
    (dict(split_ratios=(0.6, 0.4)), 'split_ratios must be 3'),
    (dict(split_ratios=(1.2, -0.1, -0.1)), 'non-negative'),
    (dict(ann_file='train.txt'), "split_file='train.txt'"),
])
def test_bad_split_arguments(tmp_path, kwargs, match):
    _write_pairs(tmp_path, ['1'])
    with pytest.raises(ValueError, match=match):
        BrainTumorDataset(data_root=str(tmp_path), **kwargs)


def test_empty_split(tmp_path):
    _write_pairs(tmp_path, ['1', '2'])  # floor(2 * 0.2) = 0 for val
    with pytest.raises(ValueError, match="split 'val' of the 2 pairs"):
        BrainTumorDataset(data_root=str(tmp_path), split='val')


def test_split_file(tmp_path):
    _write_pairs(tmp_path, ['1', '2', '3'])
    (tmp_path / 'splits').mkdir()
    (tmp_path / 'splits' / 'mine.txt').write_text('3\n1\n\n')
    # relative to data_root, like mmseg's ann_file; order kept
    dataset = BrainTumorDataset(
        data_root=str(tmp_path), split_file='splits/mine.txt')
    assert _names(dataset) == ['3', '1']
    absolute = str(tmp_path / 'splits' / 'mine.txt')
    dataset = BrainTumorDataset(data_root=str(tmp_path), split_file=absolute)
    assert _names(dataset) == ['3', '1']


def test_split_file_names_missing_pairs(tmp_path):
    _write_pairs(tmp_path, ['1'])
    missing = [f'x{i}' for i in range(12)]
    (tmp_path / 'split.txt').write_text('\n'.join(['1', '1.png'] + missing))
    with pytest.raises(ValueError) as err:
        BrainTumorDataset(data_root=str(tmp_path), split_file='split.txt')
    message = str(err.value)
    assert 'split.txt' in message
    assert "13 files: ['1.png', 'x0'" in message
    assert 'and 3 more' in message
    assert "'1' for 1.png" in message


def test_split_file_not_found(tmp_path):
    _write_pairs(tmp_path, ['1'])
    with pytest.raises(FileNotFoundError, match='nope.txt'):
        BrainTumorDataset(data_root=str(tmp_path), split_file='nope.txt')


def test_split_file_empty(tmp_path):
    _write_pairs(tmp_path, ['1'])
    (tmp_path / 'empty.txt').write_text('\n\n')
    with pytest.raises(ValueError, match='empty.txt lists no names'):
        BrainTumorDataset(data_root=str(tmp_path), split_file='empty.txt')


def test_missing_data_root(tmp_path):
    root = tmp_path / 'brain_tumor'
    with pytest.raises(FileNotFoundError) as err:
        BrainTumorDataset(data_root=str(root))
    message = str(err.value)
    assert str(root) in message
    assert 'nikhilroxtomar/brain-tumor-segmentation' in message
    assert osp.join(str(root), 'images') in message
    assert osp.join(str(root), 'masks') in message


@pytest.mark.parametrize('folder', ['images', 'masks'])
def test_missing_folder(tmp_path, folder):
    _write_pairs(tmp_path, ['1'])
    (tmp_path / folder / '1.png').unlink()
    (tmp_path / folder).rmdir()
    with pytest.raises(FileNotFoundError) as err:
        BrainTumorDataset(data_root=str(tmp_path))
    message = str(err.value)
    assert f'folder {tmp_path / folder} does not exist' in message
    assert 'nikhilroxtomar/brain-tumor-segmentation' in message


@pytest.mark.parametrize('folder', ['images', 'masks'])
def test_empty_folder(tmp_path, folder):
    _write_pairs(tmp_path, ['1'])
    (tmp_path / folder / '1.png').unlink()
    (tmp_path / folder / 'notes.txt').write_text('not a png')
    with pytest.raises(FileNotFoundError, match=r'has no \*\.png files'):
        BrainTumorDataset(data_root=str(tmp_path))


def test_unpaired_files(tmp_path):
    _write_pairs(tmp_path, ['1', '2'])
    for i in range(3, 15):
        (tmp_path / 'images' / f'{i}.png').touch()
    (tmp_path / 'masks' / 'extra.png').touch()
    for check_files in (True, False):  # names alone: always checked
        with pytest.raises(InputError) as err:
            BrainTumorDataset(data_root=str(tmp_path),
                              check_files=check_files)
        message = str(err.value)
        assert message.startswith('Brain-tumour: 13 problems in ')
        assert f"['{tmp_path / 'images' / '10.png'} has no mask 10.png'" \
            in message
        assert 'and 3 more' in message
        assert '\n' not in message


def test_unpaired_mask_is_named(tmp_path):
    _write_pairs(tmp_path, ['1', '2'])
    (tmp_path / 'masks' / 'extra.png').touch()
    with pytest.raises(InputError,
                       match=re.escape(f"['{tmp_path / 'masks' / 'extra.png'}"
                                       " has no image extra.png']")):
        BrainTumorDataset(data_root=str(tmp_path))


def _broken_set(root):
    """Pairs 1-8 with five kinds of broken mask; 1, 7 and 8 are fine."""
    _write_pairs(root, [str(i) for i in range(1, 9)], size=(16, 16))
    masks = root / 'masks'
    (masks / '2.png').unlink()  # missing
    (masks / '3.png').rename(masks / '3_mask.png')  # misnamed
    cv2.imwrite(str(masks / '4.png'), np.zeros((8, 12), np.uint8))  # size
    content = (masks / '5.png').read_bytes()
    (masks / '5.png').write_bytes(content[:len(content) // 2])  # truncated
    (masks / '6.png').write_bytes(b'')  # empty
    return root


def test_split_scan_lists_every_problem_in_one_error(tmp_path):
    root = _broken_set(tmp_path)
    with pytest.raises(InputError) as err:
        _build(data_root=str(root), split_ratios=(1, 0, 0))
    message = str(err.value)
    assert '\n' not in message
    assert message.startswith(
        f'Brain-tumour: 6 problems in {root / "images"} and '
        f"{root / 'masks'}, listing split 'train': ")
    masks = root / 'masks'
    for problem in [
            f'{root / "images" / "2.png"} has no mask 2.png',
            f'{root / "images" / "3.png"} has no mask 3.png',
            f'{masks / "3_mask.png"} has no image 3_mask.png',
            f'{masks / "4.png"} is 12x8 (WxH), its image 16x16',
            f'{masks / "5.png"} is truncated or corrupt',
            f'{masks / "6.png"} is empty',
    ]:
        assert problem in message, problem
    assert 'check_files=False' in message


def test_split_scan_reads_every_pair(tmp_path):
    # the split depends on every name: a broken pair of another split is
    # named too, in the same error
    root = _write_pairs(tmp_path, [str(i) for i in range(1, 11)])
    val = _names(_build(data_root=str(root), split='val'))
    (root / 'masks' / f'{val[0]}.png').write_bytes(b'')
    with pytest.raises(InputError,
                       match=r"1 problem in .*, listing split 'test': .*"
                       f'{val[0]}.png is empty'):
        _build(data_root=str(root), split='test')
    # a split file's pairs alone
    (root / 'mine.txt').write_text(
        '\n'.join(name for name in map(str, range(1, 11))
                  if name != val[0]))
    assert len(_build(data_root=str(root), split_file='mine.txt')) == 9


def test_split_scan_of_images(tmp_path):
    root = _write_pairs(tmp_path, ['1', '2', '3'])
    (root / 'images' / '1.png').write_bytes(b'not a png')
    slice_12_bit = np.linspace(0, 4095, 64, dtype=np.uint16).reshape(8, 8)
    cv2.imwrite(str(root / 'images' / '2.png'), slice_12_bit)
    with pytest.raises(InputError) as err:
        _build(data_root=str(root), split_ratios=(1, 0, 0))
    message = str(err.value)
    assert message.startswith('Brain-tumour: 2 problems')
    assert f'{root / "images" / "1.png"} is not an image' in message
    assert f'{root / "images" / "2.png"} is a 16-bit PNG' in message


def test_check_files_false_leaves_the_files_to_the_run(tmp_path):
    root = _write_pairs(tmp_path, ['1'])
    (root / 'masks' / '1.png').write_bytes(b'')
    dataset = _build(
        data_root=str(root),
        split_ratios=(1, 0, 0),
        check_files=False,
        pipeline=_pipelines()[1])
    with pytest.raises(ImageReadError, match='1.png is empty'):
        dataset[0]


@pytest.mark.parametrize('pipeline_index', [0, 1])
def test_mask_size_differs(tmp_path, pipeline_index):
    # found when read, without the check of the split
    _write_pairs(tmp_path, ['1'], size=(16, 16), mask_size=(8, 8))
    dataset = _build(
        data_root=str(tmp_path),
        split_ratios=(1, 0, 0),
        check_files=False,
        pipeline=_pipelines()[pipeline_index])
    mask = str(tmp_path / 'masks' / '1.png')
    with pytest.raises(ValueError, match=f'Mask {re.escape(mask)} is 8x8'):
        dataset[0]


@pytest.mark.parametrize('broken', ['truncated', 'empty', 'text'])
@pytest.mark.parametrize('folder', ['images', 'masks'])
def test_undecodable_png(tmp_path, folder, broken):
    rng = np.random.default_rng(0)
    _write_pairs(tmp_path, ['1'])
    path = tmp_path / folder / '1.png'
    cv2.imwrite(str(path), rng.integers(0, 256, (64, 64), np.uint8))
    content = {
        'truncated': path.read_bytes()[:2000],
        'empty': b'',
        'text': b'not a png',
    }[broken]
    path.write_bytes(content)
    dataset = _build(
        data_root=str(tmp_path),
        split_ratios=(1, 0, 0),
        check_files=False,  # found when read
        pipeline=_pipelines()[1])
    with pytest.raises(ImageReadError,
                       match=f'{re.escape(str(path))} is .*re-download'):
        dataset[0]


def test_pipeline_error_not_about_files_propagates(tmp_path):
    _write_pairs(tmp_path, ['1'])
    dataset = _build(
        data_root=str(tmp_path),
        split_ratios=(1, 0, 0),
        pipeline=[dict(type='LoadAnnotations'),
                  dict(type='RandomCrop', crop_size=(2, 2))])  # no image
    with pytest.raises(KeyError, match='img'):
        dataset[0]


def test_colour_image_fed_as_three_channels(tmp_path):
    _write_pairs(tmp_path, ['1'])
    colour = np.zeros((8, 8, 3), np.uint8)
    colour[..., 2] = 200
    cv2.imwrite(str(tmp_path / 'images' / '1.png'), colour)
    dataset = _build(
        data_root=str(tmp_path),
        split_ratios=(1, 0, 0),
        pipeline=_pipelines()[1])
    out = dataset[0]
    assert out['inputs'].shape == (3, 256, 256)
    gt = out['data_samples'].gt_sem_seg.data
    assert set(gt.unique().tolist()) == {0, 1}


def test_synthetic_data_loads(tmp_path):
    make_brain_tumor(str(tmp_path), num=5, size=64)
    train_pipeline, test_pipeline = _pipelines()
    for pipeline in (train_pipeline, test_pipeline):
        dataset = _build(data_root=str(tmp_path), pipeline=pipeline)
        assert len(dataset) == 3  # 5 - floor(1) - floor(1)
        gt = dataset[0]['data_samples'].gt_sem_seg.data
        assert set(gt.unique().tolist()) <= {0, 1}


@pytest.mark.parametrize('scale', [1, 255])
def test_masks_stored_as_0_1_or_0_255_give_the_same_labels(tmp_path, scale):
    root = _write_pairs(tmp_path, ['1', '2', '3'])
    for mask_file in (root / 'masks').glob('*.png'):
        mask = cv2.imread(str(mask_file), cv2.IMREAD_UNCHANGED)
        cv2.imwrite(str(mask_file), (mask > 0).astype(np.uint8) * scale)
    _, test_pipeline = _pipelines()
    dataset = _build(
        data_root=str(root),
        split_ratios=(1, 0, 0),
        pipeline=test_pipeline,
        test_mode=True)
    gt = dataset[0]['data_samples'].gt_sem_seg.data[0]
    assert int(gt.sum()) == 4 and set(gt.unique().tolist()) == {0, 1}


def test_16_bit_mri_slice_is_refused_not_darkened(tmp_path):
    root = _write_pairs(tmp_path, ['1', '2', '3'])
    slice_12_bit = np.linspace(0, 4095, 64, dtype=np.uint16).reshape(8, 8)
    cv2.imwrite(str(root / 'images' / '2.png'), slice_12_bit)
    dataset = _build(
        data_root=str(root),
        split_ratios=(1, 0, 0),
        check_files=False,  # found when read
        pipeline=_pipelines()[1],
        test_mode=True)
    index = _names(dataset).index('2')
    with pytest.raises(ImageReadError,
                       match=f'{root / "images" / "2.png"} is a 16-bit PNG'):
        dataset[index]
    dataset[(index + 1) % 3]  # the 8-bit slices load


def test_two_classes_of_metainfo_rename_a_binary_set(tmp_path):
    root = _write_pairs(tmp_path, ['1', '2', '3'])
    dataset = _build(
        data_root=str(root),
        split_ratios=(1, 0, 0),
        metainfo=dict(
            classes=('background', 'crack'),
            palette=[[0, 0, 0], [0, 255, 0]]),
        pipeline=_pipelines()[1],
        test_mode=True)
    assert dataset.metainfo['classes'] == ('background', 'crack')
    assert dataset.metainfo['palette'][1] == [0, 255, 0]
    gt = dataset[0]['data_samples'].gt_sem_seg.data
    assert int(gt.sum()) == 4  # the 2x2 object is class 1, as on disk


def _write_16_bit_masks(root, values):
    """Replace each mask of ``root`` by a 16-bit PNG of ``values``."""
    for mask_file in (root / 'masks').glob('*.png'):
        mask = cv2.imread(str(mask_file), cv2.IMREAD_UNCHANGED)
        mask16 = np.zeros(mask.shape, np.uint16)
        for i, value in enumerate(values[1:]):
            mask16[2 + i:4, 2:4] = value  # 2x2 object, later rows override
        mask16[mask == 0] = values[0]
        assert cv2.imwrite(str(mask_file), mask16)


@pytest.mark.parametrize('value', [256, 65535])
@pytest.mark.parametrize('pipeline_index', [0, 1])
def test_16_bit_masks_are_read_zero_vs_non_zero(tmp_path, value,
                                                pipeline_index):
    root = _write_pairs(tmp_path, ['1', '2', '3'], size=(16, 16))
    _write_16_bit_masks(root, [0, value])
    dataset = _build(
        data_root=str(root),
        split_ratios=(1, 0, 0),
        pipeline=_pipelines()[pipeline_index])
    gt = dataset[0]['data_samples'].gt_sem_seg.data
    # the 2x2 tumour (resized with the slice in training), not all
    # background
    assert set(gt.unique().tolist()) == {0, 1}
    if pipeline_index == 1:
        assert int(gt.sum()) == 4


def test_16_bit_mask_that_is_not_binary_is_refused(tmp_path):
    root = _write_pairs(tmp_path, ['1'])
    _write_16_bit_masks(root, [0, 256, 512])
    dataset = _build(
        data_root=str(root), split_ratios=(1, 0, 0), pipeline=_pipelines()[1])
    with pytest.raises(InputError) as err:
        dataset[0]
    message = str(err.value)
    assert str(root / 'masks' / '1.png') in message
    assert 'holds values 0, 256, 512' in message and '\n' not in message


def test_16_bit_masks_with_mmseg_loader_are_refused(tmp_path):
    # mmseg's LoadAnnotations casts to uint8: 256 would become 0
    root = _write_pairs(tmp_path, ['1', '2'])
    _write_16_bit_masks(root, [0, 256])
    with pytest.raises(InputError) as err:
        _build(
            data_root=str(root),
            split_ratios=(1, 0, 0),
            pipeline=[dict(type='LoadAnnotations'),
                      dict(type='BinarizeMask')])
    message = str(err.value)
    assert message.startswith('Brain-tumour: 2 problems')
    assert (f'{root / "masks" / "1.png"} is a 16-bit PNG, which '
            'LoadAnnotations casts to 8 bits') in message
    assert 'LoadUnchangedAnnotations' in message
    # 8-bit masks are fine with it
    _write_pairs(root, ['1', '2'])
    _build(
        data_root=str(root),
        split_ratios=(1, 0, 0),
        pipeline=[dict(type='LoadAnnotations')])


def test_16_bit_masks_in_test_time_augmentation(tmp_path):
    root = _write_pairs(tmp_path, ['1'], size=(16, 16))
    _write_16_bit_masks(root, [0, 256])
    cfg = Config.fromfile(BASE_CFG)
    dataset = _build(
        data_root=str(root), split_ratios=(1, 0, 0),
        pipeline=cfg.tta_pipeline)
    out = dataset[0]
    for sample in out['data_samples']:
        assert int(sample.gt_sem_seg.data.sum()) == 4
    # mmseg's loader nested in TestTimeAug is found by the check
    cfg.tta_pipeline[1].transforms[2] = [dict(type='LoadAnnotations')]
    with pytest.raises(InputError, match='LoadAnnotations casts'):
        _build(
            data_root=str(root), split_ratios=(1, 0, 0),
            pipeline=cfg.tta_pipeline)
