"""Bad input to tools/train.py and tools/test.py: one clear line each."""
import cv2
import numpy as np
import pytest
import torch

from conftest import TINY, TINY_BRAIN, run_tool, tool_module
from linknet_mm.utils import cpu_summary, native_bf16
from tiny_model import deeper_checkpoint

make_cityscapes_pairs = tool_module(
    'misc/synthetic_cityscapes_pairs.py').make_cityscapes_pairs

pytestmark = pytest.mark.slow


def _fails(*args, match):
    proc = run_tool(*args, check=False)
    assert proc.returncode != 0
    assert 'Traceback' not in proc.stderr, proc.stderr[-2000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith('error: ') and match in last, last
    return last


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory, brain_root):
    work = tmp_path_factory.mktemp('ckpt')
    run_tool('train.py', TINY_BRAIN, '--work-dir', work, '--cfg-options',
             f'data_root={brain_root}', 'train_cfg.max_iters=3')
    return work / 'iter_3.pth'


def test_missing_config(tmp_path):
    _fails('train.py', tmp_path / 'nope.py', match='nope.py')


def test_unknown_cfg_options_key_suggests_the_right_one(tmp_path):
    last = _fails('train.py', TINY_BRAIN, '--work-dir', tmp_path,
                  '--cfg-options', 'modle.backbone.depth=34',
                  match="has no key 'modle'")
    assert "did you mean 'model'" in last


def test_missing_dataset_says_where_to_get_it(tmp_path):
    last = _fails('train.py', TINY_BRAIN, '--work-dir', tmp_path,
                  '--cfg-options', f'data_root={tmp_path / "absent"}',
                  match='does not exist')
    assert 'kaggle.com/datasets/nikhilroxtomar/brain-tumor-segmentation' \
        in last


def test_work_dir_that_cannot_be_written(tmp_path, brain_root):
    blocker = tmp_path / 'a_file'
    blocker.write_text('')
    _fails('train.py', TINY_BRAIN, '--work-dir', blocker / 'run',
           '--cfg-options', f'data_root={brain_root}',
           match='is not writable')


def test_checkpoint_of_another_num_classes(checkpoint, brain_root, tmp_path):
    last = _fails('test.py', TINY_BRAIN, checkpoint, '--work-dir', tmp_path,
                  '--cfg-options', f'data_root={brain_root}',
                  'model.decode_head.num_classes=3',
                  'model.decode_head.out_channels=3',
                  match='does not fit the model')
    assert 'decode_head.conv_seg.weight: checkpoint (32, 2, 2, 2) vs model' \
        ' (32, 3, 2, 2)' in last
    assert 'partial_load=True' in last


def test_checkpoint_of_a_deeper_encoder(brain_root, tmp_path):
    checkpoint = deeper_checkpoint(tmp_path / 'r34.pth', TINY_BRAIN)
    last = _fails('test.py', TINY_BRAIN, checkpoint, '--work-dir', tmp_path,
                  '--cfg-options', f'data_root={brain_root}',
                  match=f'checkpoint {checkpoint} does not fit the model of '
                  f'{TINY_BRAIN}: 80 tensors differ (80 unexpected)')
    assert 'imply a ResNet-34 backbone, the config builds ResNet-18' in last
    assert 'partial_load=True' in last


def test_out_onto_an_existing_file(checkpoint, brain_root, tmp_path):
    taken = tmp_path / 'predictions'
    taken.write_text('')
    _fails('test.py', TINY_BRAIN, checkpoint, '--work-dir', tmp_path,
           '--out', taken, '--cfg-options', f'data_root={brain_root}',
           match=f'--out {taken} is a file; expected a folder')


def test_partial_load_is_allowed_when_asked(checkpoint, brain_root, tmp_path):
    proc = run_tool('train.py', TINY_BRAIN, '--work-dir', tmp_path,
                    '--cfg-options', f'data_root={brain_root}',
                    f'load_from={checkpoint}', 'partial_load=True',
                    'model.decode_head.num_classes=3',
                    'model.decode_head.out_channels=3',
                    'train_cfg.max_iters=1', 'train_cfg.val_interval=100')
    assert 'size mismatch for decode_head.conv_seg.weight' in \
        proc.stdout + proc.stderr


def test_truncated_checkpoint(checkpoint, brain_root, tmp_path):
    broken = tmp_path / 'broken.pth'
    broken.write_bytes(checkpoint.read_bytes()[:100_000])
    _fails('test.py', TINY_BRAIN, broken, '--work-dir', tmp_path,
           '--cfg-options', f'data_root={brain_root}',
           match='cannot be read: it is truncated')


class _RunsCommand:
    """Unpickling this calls os.system: a malicious checkpoint."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        import os
        return os.system, (f'touch {self.marker}', )


@pytest.mark.parametrize('kind', ['text', 'malicious'])
def test_checkpoint_that_is_not_one_is_a_line(brain_root, tmp_path, kind):
    path = tmp_path / 'ckpt.pth'
    if kind == 'text':
        path.write_text('weights are in the cloud\n')
        match = 'is not a PyTorch checkpoint'
    else:
        torch.save(dict(state_dict={}, meta=_RunsCommand(tmp_path / 'pwn')),
                   path)
        match = 'refused'
    last = _fails('test.py', TINY_BRAIN, path, '--work-dir', tmp_path,
                  '--cfg-options', f'data_root={brain_root}', match=match)
    assert str(path) in last and 'weights_only' not in last
    assert not (tmp_path / 'pwn').exists()


def test_no_partial_checkpoint_is_left_by_saving(checkpoint):
    assert not list(checkpoint.parent.glob('*.part'))
    assert torch.load(checkpoint)['meta']['iter'] == 3


def test_amp_without_an_accelerator_or_native_bf16(tmp_path, brain_root):
    if torch.cuda.is_available() or native_bf16():
        pytest.skip('--amp is valid here: a GPU or a CPU with native bf16 '
                    '(tests/test_tools/test_train_test.py trains with it)')
    last = _fails('train.py', TINY_BRAIN, '--amp', '--work-dir', tmp_path,
                  '--cfg-options', f'data_root={brain_root}',
                  match='--amp needs an accelerator')
    assert 'AVX512-BF16' in last and cpu_summary() in last


def _pairs_with(tmp_path, name, image):
    """Two good generated training composites and ``image`` beside them."""
    root = tmp_path / 'pairs'
    make_cityscapes_pairs(str(root), num_train=2, num_val=1, seed=0)
    assert cv2.imwrite(str(root / 'train' / name), image)
    return root


def test_square_composite_stops_training_before_it_starts(tmp_path):
    image = np.random.default_rng(0).integers(0, 255, (64, 64, 3), np.uint8)
    root = _pairs_with(tmp_path, '9.jpg', image)
    _fails('train.py', TINY, '--work-dir', tmp_path / 'work', '--cfg-options',
           f'data_root={root}', 'train_cfg.max_iters=2',
           match=f'{root / "train" / "9.jpg"} is 64x64 (HxW), not twice')


def test_grey_composite_met_in_a_dataloader_worker_is_one_line(tmp_path):
    # three equal channels pass the header check; the loading transform in
    # a worker process refuses the file, and the tool prints its message
    grey = np.random.default_rng(0).integers(0, 255, (64, 128), np.uint8)
    root = _pairs_with(tmp_path, '9.jpg', np.repeat(grey[..., None], 3, 2))
    _fails('train.py', TINY, '--work-dir', tmp_path / 'work', '--cfg-options',
           f'data_root={root}', 'train_cfg.max_iters=6',
           'train_dataloader.num_workers=1',
           'train_dataloader.sampler.shuffle=False',
           match=f'{root / "train" / "9.jpg"}: expected a colour composite')
