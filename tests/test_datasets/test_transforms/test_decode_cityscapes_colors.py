"""DecodeCityscapesColors: colour half in, trainIds in seg_fields out."""
import cv2
import numpy as np
import pytest

from conftest import real_data, tool_module
from linknet_mm.datasets.cityscapes_labels import PALETTE
from linknet_mm.datasets.transforms import (DecodeCityscapesColors,
                                            SplitImagePair)
from linknet_mm.datasets.transforms.decode_cityscapes_colors import \
    LABEL_MIN_FIT
from linknet_mm.errors import InputError

_synthetic = tool_module('misc/synthetic_cityscapes_pairs.py')
encode_jpeg = _synthetic.encode_jpeg
pair_from_label_ids = _synthetic.pair_from_label_ids
render_cityscapes_pair = _synthetic.render_cityscapes_pair


def _color_half():
    """Left half road, right half car (BGR), 8x8."""
    half = np.empty((8, 8, 3), np.uint8)
    half[:, :4] = PALETTE[0][::-1]
    half[:, 4:] = PALETTE[13][::-1]
    return half


def test_decode_cityscapes_colors():
    results = DecodeCityscapesColors()(
        dict(gt_color=_color_half(), seg_fields=[]))
    gt = results['gt_seg_map']
    assert gt.dtype == np.uint8 and gt.shape == (8, 8)
    assert (gt[:, :3] == 0).all() and (gt[:, 5:] == 13).all()
    assert results['seg_fields'] == ['gt_seg_map']
    assert 'gt_color' not in results


def test_decode_cityscapes_colors_rgb_and_label_map():
    transform = DecodeCityscapesColors(channel_order='rgb')
    assert repr(transform) == "DecodeCityscapesColors(channel_order='rgb')"
    results = transform(
        dict(
            gt_color=_color_half()[..., ::-1].copy(),
            label_map={
                0: 255,
                13: 0
            }))
    gt = results['gt_seg_map']
    assert (gt[:, :3] == 255).all() and (gt[:, 5:] == 0).all()
    assert results['seg_fields'] == ['gt_seg_map']


def test_decode_cityscapes_colors_bad_channel_order():
    with pytest.raises(ValueError, match='channel_order must be one of'):
        DecodeCityscapesColors(channel_order='yuv')


def test_decode_passes_images_without_a_colour_half():
    results = dict(img=np.zeros((4, 4, 3), np.uint8))
    out = DecodeCityscapesColors()(dict(results))
    assert 'gt_seg_map' not in out and out.keys() == results.keys()


def _real_pairs():
    """Real photos with their colour labels, as Kaggle composes them."""
    folder = real_data('cityscapes_gtfine')
    for ids_file in sorted(folder.glob('*_gtFine_labelIds.png')):
        ids = cv2.imread(str(ids_file), cv2.IMREAD_UNCHANGED)
        photo = cv2.imread(
            str(ids_file).replace('gtFine_labelIds', 'leftImg8bit'))
        composite = cv2.imdecode(
            np.frombuffer(
                encode_jpeg(pair_from_label_ids(ids, photo), 75), np.uint8),
            cv2.IMREAD_COLOR)
        yield ids_file.name, composite


def _split_and_decode(composite, side, name='x.jpg'):
    results = SplitImagePair(side)(
        dict(img_path=name, img=composite, is_composite=True))
    return DecodeCityscapesColors()(results)


def test_real_pairs_in_order_decode():
    for name, composite in _real_pairs():
        gt = _split_and_decode(composite, 'left', name)['gt_seg_map']
        assert (gt < 19).mean() > 0.5, name


def test_swapped_real_halves_are_refused_with_the_setting_to_use():
    for name, composite in _real_pairs():
        side = composite.shape[0]
        swapped = np.concatenate(
            [composite[:, side:], composite[:, :side]], axis=1)
        with pytest.raises(InputError) as error:
            _split_and_decode(swapped, 'left', name)
        message = str(error.value)
        assert name in message and "photo_side='right'" in message


@pytest.mark.parametrize('seed', range(5))
def test_generated_pairs_are_not_taken_for_swapped(seed):
    composite, _ = render_cityscapes_pair(np.random.default_rng(seed),
                                          photo_side='right')
    gt = _split_and_decode(composite, 'right')['gt_seg_map']
    assert (gt < 19).mean() > 0.5
    with pytest.raises(InputError, match="photo_side='right'"):
        _split_and_decode(composite, 'left')


def test_decode_measures_the_palette_fit_of_its_lookup():
    composite, _ = render_cityscapes_pair(np.random.default_rng(0))
    label = np.ascontiguousarray(composite[:, composite.shape[0]:])
    decoder = DecodeCityscapesColors().decoder
    train_ids, fit = decoder.decode(label)
    assert (train_ids == decoder(label)).all()
    assert fit == decoder.palette_fit(label) > LABEL_MIN_FIT
