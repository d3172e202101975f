"""TripletSegVisualizer: image | ground truth | prediction panels."""
import cv2
import numpy as np
import pytest
import torch
from mmengine.structures import PixelData

from linknet_mm.visualization import TripletSegVisualizer
from mmseg.structures import SegDataSample


def _sample(h, w):
    labels = torch.zeros(1, h, w, dtype=torch.long)
    labels[0, 4:12, 4:12] = 1
    sample = SegDataSample()
    sample.gt_sem_seg = PixelData(data=labels)
    sample.pred_sem_seg = PixelData(data=labels.clone())
    return sample


def _visualizer(tmp_path, **kwargs):
    vis = TripletSegVisualizer(
        name=f'vis_{len(kwargs)}_{tmp_path.name}', save_dir=str(tmp_path),
        **kwargs)
    vis.set_dataset_meta(classes=('bg', 'tumor'),
                         palette=[[0, 0, 0], [255, 0, 0]])
    return vis


@pytest.mark.parametrize('outline', [False, True])
def test_three_panels_with_the_plain_image_first(tmp_path, outline):
    vis = _visualizer(tmp_path, outline=outline)
    image = np.full((16, 20, 3), 100, np.uint8)
    out = tmp_path / 'drawn.png'
    vis.add_datasample('x', image, _sample(16, 20), out_file=str(out))
    drawn = cv2.imread(str(out))[..., ::-1]
    assert drawn.shape == (16, 60, 3)
    np.testing.assert_array_equal(drawn[:, :20], image)
    assert (drawn[:, 20:] != 100).any()  # labels were drawn
    if outline:  # inside of the square untouched, its border red
        np.testing.assert_array_equal(drawn[8, 28], [100, 100, 100])
        np.testing.assert_array_equal(drawn[4, 28], [255, 0, 0])


@pytest.mark.parametrize('side, value', [('left', 10), ('right', 200)])
def test_composite_image_is_cut_to_its_photo(tmp_path, side, value):
    vis = _visualizer(tmp_path, photo_side=side)
    composite = np.concatenate(
        [np.full((16, 16, 3), 10, np.uint8),
         np.full((16, 16, 3), 200, np.uint8)], axis=1)
    out = tmp_path / 'drawn.png'
    vis.add_datasample('x', composite, _sample(16, 16), out_file=str(out))
    drawn = cv2.imread(str(out))
    assert drawn.shape == (16, 48, 3)
    assert (drawn[:, :16] == value).all()


def test_bad_photo_side(tmp_path):
    with pytest.raises(ValueError, match='photo_side'):
        TripletSegVisualizer(name='bad_side', photo_side='top')


def test_photo_side_checked_as_by_the_transforms():
    with pytest.raises(ValueError, match='photo_side must be one of'):
        TripletSegVisualizer(photo_side='top')
