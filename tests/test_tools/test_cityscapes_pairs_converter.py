"""tools/dataset_converters/cityscapes_pairs.py: layout, labels that match
on-the-fly decoding, atomic writes and bad input."""
import os

import cv2
import numpy as np
import pytest
from mmseg.registry import DATASETS

from conftest import run_tool, tool_module

make_cityscapes_pairs = tool_module(
    'misc/synthetic_cityscapes_pairs.py').make_cityscapes_pairs

converter = tool_module('dataset_converters/cityscapes_pairs.py')


def _run(monkeypatch, data_root, out_dir):
    """The function the tool calls, in this process."""
    return converter.convert_cityscapes_pairs(str(data_root), str(out_dir))


@pytest.fixture(scope='module')
def pairs_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('cityscapes_pairs')
    make_cityscapes_pairs(str(root), num_train=3, num_val=2, seed=4)
    return root


@pytest.mark.slow  # runs the tool
@pytest.mark.parametrize('nproc', [1, 2])
def test_cityscapes_pairs_converter(monkeypatch, pairs_root, tmp_path, nproc):
    out = tmp_path / 'out'
    if nproc == 1:
        _run(monkeypatch, pairs_root, out)
    else:  # worker processes need the tool importable: run it as a script
        proc = run_tool('dataset_converters/cityscapes_pairs.py', pairs_root,
                        out, '--nproc', nproc)
        assert 'Converted 5 composites' in proc.stdout + proc.stderr
    for split, names in (('train', ['1', '2', '3']), ('val', ['1', '2'])):
        assert sorted(os.listdir(out / 'img_dir' /
                                 split)) == [f'{n}.png' for n in names]
        assert sorted(os.listdir(out / 'ann_dir' / split)) == [
            f'{n}_labelTrainIds.png' for n in names
        ]
        dataset = DATASETS.build(
            dict(
                type='CityscapesPairsDataset',
                data_root=str(pairs_root),
                data_prefix=dict(img_path=split),
                pipeline=[
                    dict(type='LoadImageFromFile'),
                    dict(type='SplitImagePair'),
                    dict(type='DecodeCityscapesColors')
                ]))
        for i, name in enumerate(names):
            sample = dataset[i]
            photo = cv2.imread(str(out / 'img_dir' / split / f'{name}.png'))
            label = cv2.imread(
                str(out / 'ann_dir' / split / f'{name}_labelTrainIds.png'),
                cv2.IMREAD_UNCHANGED)
            np.testing.assert_array_equal(photo, sample['img'])
            assert label.dtype == np.uint8 and label.ndim == 2
            np.testing.assert_array_equal(label, sample['gt_seg_map'])


@pytest.mark.slow  # runs the tool
def test_cityscapes_pairs_converter_leaves_no_partial_files(
        monkeypatch, pairs_root, tmp_path):
    root = tmp_path / 'root'
    for split in ('train', 'val'):
        (root / split).mkdir(parents=True)
        for name in ('1.jpg', '2.jpg'):
            (root / split / name).write_bytes(
                (pairs_root / split / name).read_bytes())
    # Two bad composites: both reported, the others converted.
    broken = root / 'train' / '1.jpg'
    broken.write_bytes(broken.read_bytes()[:5000])
    (root / 'val' / '2.jpg').write_bytes(b'')
    out = tmp_path / 'out'
    converted, failures = _run(monkeypatch, root, out)
    assert converted == 2 and len(failures) == 2
    assert f'{broken} is a truncated JPEG' in failures[0]
    assert f'{root / "val" / "2.jpg"} is empty' in failures[1]
    assert os.listdir(out / 'img_dir' / 'train') == ['2.png']
    assert os.listdir(out / 'ann_dir' / 'train') == ['2_labelTrainIds.png']
    assert os.listdir(out / 'img_dir' / 'val') == ['1.png']
    # the tool exits non-zero, naming them
    proc = run_tool('dataset_converters/cityscapes_pairs.py', root,
                    tmp_path / 'out2', check=False)
    assert proc.returncode == 1
    assert '2 composite(s) not converted' in proc.stderr
    assert str(broken) in proc.stderr and 'Traceback' not in proc.stderr


def test_cityscapes_pairs_converter_missing_split(monkeypatch, pairs_root,
                                                  tmp_path):
    (tmp_path / 'train').mkdir()
    (tmp_path / 'train' / '1.jpg').write_bytes(
        (pairs_root / 'train' / '1.jpg').read_bytes())
    with pytest.raises(FileNotFoundError) as info:
        _run(monkeypatch, tmp_path, tmp_path / 'out')
    message = str(info.value)
    assert str(tmp_path / 'val') in message
    assert 'dansbecker/cityscapes-image-pairs' in message
