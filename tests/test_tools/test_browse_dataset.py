"""mmseg's stock browse_dataset.py shows our decoded labels (run through
tools/misc/mmseg_tool.py, which imports linknet_mm first: without the
start-up hook, on mmcv-lite, the stock tool alone fails on mmseg.utils'
import of mmcv.ops)."""
import cv2
import pytest

from conftest import CONFIGS, real_data, run_tool, tool_module

make_cityscapes_pairs = tool_module(
    'misc/synthetic_cityscapes_pairs.py').make_cityscapes_pairs


def _browse(config, data_root, out_dir, *options):
    run_tool('misc/mmseg_tool.py', 'analysis_tools/browse_dataset.py',
             CONFIGS / config, '--output-dir', out_dir, '--not-show',
             '--cfg-options',
             f'train_dataloader.dataset.data_root={data_root}', *options)
    return sorted(out_dir.iterdir())


@pytest.mark.slow
def test_browse_cityscapes_pairs(tmp_path):
    make_cityscapes_pairs(str(tmp_path / 'data'), 3, 1, seed=1)
    drawn = _browse('linknet_cityscapes.py', tmp_path / 'data',
                    tmp_path / 'out')
    assert len(drawn) == 3
    height, width = cv2.imread(str(drawn[0])).shape[:2]
    assert width == 2 * height  # the photo and its decoded labels


@pytest.mark.slow
def test_browse_real_brain_tumor_samples(tmp_path):
    root = real_data('brain_tumor')
    # crops larger than any slice keep every (real, non-empty) tumour in view
    crop = 'train_dataloader.dataset.pipeline.6.crop_size=(2048,2048)'
    drawn = _browse('linknet_brain_tumor.py', root, tmp_path / 'out', crop)
    assert len(drawn) == 9  # the train split of the 15 real pairs
    with_outline = 0
    for path in drawn:
        image = cv2.imread(str(path))
        height, width = image.shape[:2]
        assert width == 2 * height
        right = image[:, width // 2:]
        # tumour outlines are pure red on the grey slice
        with_outline += ((right[..., 2] > 200) & (right[..., 1] < 60) &
                         (right[..., 0] < 60)).any()
    assert with_outline == len(drawn)
