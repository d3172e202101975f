"""mmseg's stock browse_dataset.py shows our decoded labels."""
import subprocess
import sys
from pathlib import Path

import cv2
import mmseg
import pytest

from conftest import CONFIGS, REPO, real_data
from linknet_mm.synthetic.cityscapes_pairs import \
    make_cityscapes_pairs

BROWSE = Path(mmseg.__file__).parent / '.mim' / 'tools' / 'analysis_tools' \
    / 'browse_dataset.py'


def _browse(config, data_root, out_dir, *options):
    proc = subprocess.run(
        [sys.executable, str(BROWSE), str(CONFIGS / config), '--output-dir',
         str(out_dir), '--not-show', '--cfg-options',
         f'train_dataloader.dataset.data_root={data_root}', *options],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
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
