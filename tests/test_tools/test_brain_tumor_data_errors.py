"""tools/train.py on a broken brain-tumour set: one line, before training."""
import cv2
import numpy as np
import pytest

from conftest import TINY_BRAIN, run_tool, tool_module

make_brain_tumor = tool_module(
    'misc/synthetic_brain_tumor.py').make_brain_tumor

pytestmark = pytest.mark.slow


def _fails_before_training(config, root, work):
    proc = run_tool(
        'train.py',
        config,
        '--work-dir',
        work,
        '--cfg-options',
        f'data_root={root}',
        'train_cfg.max_iters=2',
        check=False)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert 'Traceback' not in proc.stderr, proc.stderr[-2000:]
    assert 'Iter(train)' not in proc.stdout + proc.stderr
    assert not list(work.rglob('*.pth'))
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith('error: Brain-tumour: '), last
    return last


def test_broken_masks_stop_training_before_it_starts(tmp_path):
    root = tmp_path / 'brain'
    make_brain_tumor(str(root), 20, seed=0, size=64)
    masks = root / 'masks'
    (masks / '2.png').unlink()  # missing
    (masks / '3.png').rename(masks / '3_mask.png')  # misnamed
    cv2.imwrite(str(masks / '4.png'), np.zeros((32, 64), np.uint8))  # size
    # truncated and empty, in whichever split: every pair is read
    for name in ('5.png', '6.png', '7.png'):
        content = (masks / name).read_bytes()
        (masks / name).write_bytes(content[:len(content) // 2])
    for name in ('8.png', '9.png', '10.png'):
        (masks / name).write_bytes(b'')
    last = _fails_before_training(TINY_BRAIN, root, tmp_path / 'work')
    assert last.startswith(
        f"error: Brain-tumour: 10 problems in {root / 'images'} and "
        f"{masks}, listing split 'train': ")
    assert f'{root / "images" / "2.png"} has no mask 2.png' in last
    assert f'{root / "images" / "3.png"} has no mask 3.png' in last
    assert f'{masks / "3_mask.png"} has no image 3_mask.png' in last
    assert f'{masks / "4.png"} is 64x32 (WxH), its image 64x64' in last
    for name in ('5.png', '6.png', '7.png'):
        assert f'{masks / name} is truncated or corrupt' in last
    for name in ('8.png', '9.png', '10.png'):
        assert f'{masks / name} is empty' in last


def test_16_bit_masks_through_mmseg_loader_are_refused(tmp_path):
    root = tmp_path / 'brain'
    make_brain_tumor(str(root), 20, seed=0, size=64)
    for mask_file in (root / 'masks').glob('*.png'):
        mask = cv2.imread(str(mask_file), cv2.IMREAD_UNCHANGED)
        cv2.imwrite(str(mask_file), (mask > 0).astype(np.uint16) * 256)
    config = tmp_path / 'mmseg_loader.py'
    config.write_text(
        f'_base_ = [{str(TINY_BRAIN)!r}]\n'
        'pipeline = [\n'
        "    dict(type='LoadImageFromFile'),\n"
        "    dict(type='LoadAnnotations'),  # casts to uint8\n"
        "    dict(type='BinarizeMask'),\n"
        "    dict(type='PackSegInputs')]\n"
        'train_dataloader = dict(dataset=dict(pipeline=pipeline))\n'
        'val_dataloader = dict(dataset=dict(pipeline=pipeline))\n'
        'test_dataloader = val_dataloader\n')
    last = _fails_before_training(config, root, tmp_path / 'work')
    assert '20 problems' in last  # every mask, whatever the split
    assert 'is a 16-bit PNG, which LoadAnnotations casts to 8 bits' in last
    assert 'load the masks with LoadUnchangedAnnotations' in last
