"""check_parity end to end on a small model and generated slices."""
import json
import shutil

import cv2
import numpy as np
import pytest
import torch
from mmengine.runner import save_checkpoint

from conftest import TINY_BRAIN, load_config
from linknet_mm.apis import LinkNetInferencer, init_segmentor, segment
from linknet_mm.datasets.labelled_samples import labelled_samples
from linknet_mm.deploy import (LogitsModel, check_parity, export_onnx,
                               in_precision, quantize)
from linknet_mm.deploy.parity_record import precision_files
from linknet_mm.errors import ConfigError, LinkNetError

pytestmark = pytest.mark.slow

BF16_CPU = frozenset({'avx2', 'avx512f', 'avx512_bf16'})
#: ResNet-18 at 1/8 of its width, as tests/data/configs/tiny_linknet_*.py
NARROW = dict(
    backbone=dict(stem_channels=8, base_channels=8),
    decode_head=dict(in_channels=[8, 16, 32, 64], channels=8))


def balance(model, cfg, root) -> None:
    """Shift the tumour logit so a random model finds tumour on half the
    pixels of the training slices (else it predicts background everywhere
    and any INT8 model agrees with it)."""
    logits = LogitsModel(model).eval()
    margins = []
    with torch.no_grad():
        for sample in labelled_samples(cfg, str(root), 'train'):
            out = logits(sample['inputs'][None].float())
            margins.append((out[:, 1] - out[:, 0]).flatten())
    model.decode_head.conv_seg.bias.data[1] -= torch.cat(margins).median()


@pytest.fixture(scope='module')
def model_and_checkpoint(brain_root, tmp_path_factory):
    torch.manual_seed(0)
    cfg = load_config(TINY_BRAIN, data_root=str(brain_root), model=NARROW)
    model = init_segmentor(cfg)
    balance(model, cfg, brain_root)
    path = tmp_path_factory.mktemp('precision') / 'model.pth'
    save_checkpoint({'state_dict': model.state_dict(), 'meta': {}}, str(path))
    model = init_segmentor(cfg, str(path))
    onnx_file = path.with_name('model.fp32.onnx')
    export_onnx(model, str(onnx_file))  # once: each check quantizes it
    return model, str(path), str(onnx_file)


@pytest.fixture(scope='module')
def constant_root(brain_root, tmp_path_factory):
    """The slices with every image one grey level: a broken calibration."""
    root = tmp_path_factory.mktemp('constant') / 'brain_tumor'
    shutil.copytree(brain_root, root)
    for image in (root / 'images').iterdir():
        grey = cv2.imread(str(image), cv2.IMREAD_GRAYSCALE)
        cv2.imwrite(str(image), np.full_like(grey, 60))
    return root


def test_check_records_every_precision(model_and_checkpoint, brain_root):
    model, checkpoint, fp32 = model_and_checkpoint
    results, skipped, path = check_parity(
        model,
        checkpoint,
        str(brain_root),
        str(brain_root),
        calib_num=8,
        flags=BF16_CPU,
        fp32_onnx=fp32)
    assert skipped == {}
    assert list(results) == ['fp32', 'bf16', 'int8']
    for row in results.values():
        assert row['images'] == 4  # the test split of 20 generated slices
        assert 0 <= row['agreement'] <= 1 and row['ms_per_image'] > 0
        assert 'Dice' in row and 'mIoU' in row
    assert results['int8']['max_logit_diff'] > 0
    entry = json.load(open(path))['entries'][-1]
    assert entry['results'] == results
    assert entry['check']['int8']['calibration_batches'] == 8
    assert entry['check']['images'] == 4


def test_broken_calibration_is_caught(model_and_checkpoint, brain_root,
                                      constant_root):
    model, checkpoint, fp32 = model_and_checkpoint
    good, broken = (
        check_parity(
            model,
            checkpoint,
            str(brain_root),
            str(calib_root),
            calib_num=8,
            precisions=['int8'],
            fp32_onnx=fp32,
            keep_float_ends=True)[0]
        for calib_root in (brain_root, constant_root))
    # A random model has near-ties everywhere (97 % of its pixels), so even
    # a good calibration moves some pixels (1.4 % seen) and the agreement
    # floor is low; the broken one moves many more (11 %) and mIoU (its
    # tumour Dice of 3.7 barely). The ends stay float: quantized too, this
    # narrow random model is as fragile to a good calibration as to a
    # broken one.
    assert not broken['int8']['ok']
    assert broken['int8']['verdict'].startswith('int8 refused: mIoU ')
    assert good['int8']['ok'], good['int8']['verdict']
    assert broken['int8']['agreement'] < good['int8']['agreement'] - 0.03


def test_without_bf16_it_is_skipped_with_the_reason(model_and_checkpoint,
                                                    brain_root):
    model, checkpoint, fp32 = model_and_checkpoint
    results, skipped, _ = check_parity(
        model,
        checkpoint,
        str(brain_root),
        precisions=['bf16'],
        flags=frozenset({'avx2'}))
    assert list(results) == ['fp32']
    assert 'none of avx512_bf16' in skipped['bf16']


def test_int8_model_runs_through_the_api(model_and_checkpoint, brain_root):
    model, checkpoint, fp32 = model_and_checkpoint
    check_parity(
        model,
        checkpoint,
        str(brain_root),
        str(brain_root),
        calib_num=4,
        check_num=1,
        precisions=['int8'],
        fp32_onnx=fp32)
    int8 = in_precision(model, checkpoint, 'int8')
    assert int8.onnx_file == precision_files(checkpoint)['int8']
    image = cv2.imread(str(next((brain_root / 'images').iterdir())))
    ours, theirs = segment(model, [image])[0], segment(int8, [image])[0]
    assert ours.shape == theirs.shape == image.shape[:2]
    assert (ours == theirs).mean() > 0.9


def test_precision_with_an_onnx_file_is_refused(model_and_checkpoint):
    model, checkpoint, fp32 = model_and_checkpoint
    with pytest.raises(ConfigError, match='precision it was saved in'):
        LinkNetInferencer(model.cfg, onnx_file=fp32, precision='int8')


def test_low_precision_is_a_cpu_path(model_and_checkpoint):
    model, checkpoint, _ = model_and_checkpoint
    with pytest.raises(ConfigError, match="on device='cuda' use fp32"):
        LinkNetInferencer(
            model.cfg, checkpoint, device='cuda', precision='int8')


@pytest.mark.parametrize('empty_split', ['calib', 'check'])
def test_an_empty_split_stops_before_the_export(model_and_checkpoint,
                                                brain_root, tmp_path,
                                                monkeypatch, empty_split):
    model, checkpoint, _ = model_and_checkpoint
    empty = tmp_path / 'empty'
    for sub in ('images', 'masks'):
        (empty / sub).mkdir(parents=True)

    def no_export(*args, **kwargs):
        raise AssertionError('exported although a split is empty')

    monkeypatch.setattr(quantize, 'export_onnx', no_export)
    calib, check = (empty, brain_root) if empty_split == 'calib' else (
        brain_root, empty)
    with pytest.raises(LinkNetError, match=str(empty / 'images')):
        check_parity(model, str(tmp_path / 'model.pth'), str(check),
                     calib_dir=str(calib), precisions=['int8'])
