"""The conversion check against TFLite's interpreter, on real images."""
import numpy as np
import pytest
import torch
from mmcv.cnn.bricks.conv2d_adaptive_padding import Conv2dAdaptivePadding
from mmengine.config import Config

from conftest import (CONFIGS, DEEPLAB_TFLITE, MOBILENET_TFLITE, real_data,
                      shared_weights, tool_module)
from linknet_mm.errors import ImageReadError, InputError

check = tool_module('model_converters/tflite_check.py')
interpreter = tool_module('model_converters/tflite_interpreter.py')
read_check_images = tool_module(
    'model_converters/check_mobilenetv2_tflite.py').read_check_images
converter = tool_module('model_converters/mobilenetv2_tflite2mmseg.py')
INPUT_TOLERANCE = check.INPUT_TOLERANCE
MIN_WITHIN_ONE_STEP = interpreter.MIN_WITHIN_ONE_STEP

CONFIG = CONFIGS / 'linknet' / (
    'linknet_mobilenet-v2-in1k-pre_1xb8-3k_brain-tumor-256x256.py')
#: 1001-class indices (ImageNet's plus one) of the two test images.
CHICKADEE, DAISY = 20, 986


def _config(converted, **preprocessor):
    cfg = Config.fromfile(str(CONFIG))
    cfg.model.backbone.init_cfg.checkpoint = str(converted)
    cfg.model.data_preprocessor.update(preprocessor)
    return cfg


@pytest.fixture(scope='module')
def images():
    found = read_check_images([
        str(shared_weights('bird.rgb')),
        str(shared_weights('sunflower.rgb'))
    ])
    found.update(
        read_check_images([str(real_data('cityscapes_pairs') / 'val')],
                          photo_halves=True))
    return found


@pytest.fixture(scope='module')
def results(converted_mobilenet, images):
    return check.check_conversion(
        str(shared_weights(MOBILENET_TFLITE)), _config(converted_mobilenet),
        images)


def test_test_images_are_a_chickadee_and_a_daisy(results):
    assert results['reference_top1'][:2] == [CHICKADEE, DAISY]
    assert results['config']['top1'][:2] == [CHICKADEE, DAISY]
    assert results['tf_same']['top1'][:2] == [CHICKADEE, DAISY]


def test_every_layer_reproduces_tflite_with_tf_padding(results):
    assert len(results['images']) == 14
    layers = results['tf_same']['layers']
    assert len(layers['layers']) == 51
    assert layers['min_within_one_step'] >= 0.999
    assert results['passed']


def test_mmseg_padding_shifts_the_strided_layers(results):
    layers = results['config']['layers']['layers']
    shifted = {k for k, v in layers.items() if v['within_one_step'] < 0.9}
    assert shifted == {
        'conv1', 'layer2.0.conv.1', 'layer3.0.conv.1', 'layer4.0.conv.1',
        'layer6.0.conv.1'
    }
    assert results['config']['agreement'] < results['tf_same']['agreement']


def test_input_is_tflites_within_half_a_step(results):
    assert results['input_max_diff'] == pytest.approx(0.5 / 127.5, abs=1e-6)


def test_wrong_normalisation_is_caught(converted_mobilenet, images, results):
    imagenet = _config(
        converted_mobilenet,
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375])
    wrong = check.check_conversion(
        str(shared_weights(MOBILENET_TFLITE)), imagenet, images)
    assert not wrong['passed']
    assert wrong['input_max_diff'] > 10 * INPUT_TOLERANCE
    for run in ('config', 'tf_same'):
        assert wrong[run]['agreement'] < results[run]['agreement'] - 0.2


def test_tf_padding_is_mmcvs_adaptive_padding(converted_mobilenet):
    config = check.build_backbone(_config(converted_mobilenet))
    tf_same = check.build_backbone(_config(converted_mobilenet), tf_same=True)
    assert type(config.conv1.conv) is torch.nn.Conv2d
    assert all(type(m.conv) is Conv2dAdaptivePadding
               for _, m in converter.backbone_convs(tf_same))
    assert all(torch.equal(a, b) for a, b in zip(
        config.state_dict().values(), tf_same.state_dict().values()))


def test_fake_quantize_rounds_to_the_grid_and_clips():
    values = torch.tensor([0.26, -0.24, 200.0, -100.0])
    out = interpreter.fake_quantize(values, 0.5, -128, (-128, 127))
    assert out.tolist() == [0.5, 0.0, 127.5, 0.0]


def test_raw_rgb_of_another_size_is_refused(tmp_path):
    path = tmp_path / 'small.rgb'
    path.write_bytes(bytes(100))
    with pytest.raises(ImageReadError, match='small.rgb: 100 bytes'):
        read_check_images([str(path)])


def test_a_folder_without_images_is_named(tmp_path):
    (tmp_path / 'notes.txt').write_text('no pictures here')
    with pytest.raises(InputError, match=str(tmp_path)):
        read_check_images([str(tmp_path)])


def test_photo_halves_keep_the_left_half(tmp_path):
    import cv2
    pair = np.zeros((64, 128, 3), np.uint8)
    pair[:, 64:] = 255  # the label half is white
    cv2.imwrite(str(tmp_path / 'pair.png'), pair)
    whole = read_check_images([str(tmp_path)])[str(tmp_path / 'pair.png')]
    half = read_check_images([str(tmp_path)], photo_halves=True)
    assert half[str(tmp_path / 'pair.png')].max() == 0
    assert whole.shape == (224, 224, 3) and whole.max() == 255


def test_deeplab_encoder_reproduced_layer_by_layer(tmp_path):
    """DeepLabV3's uint8 encoder, converted at output stride 32, is checked
    in the file's own geometry: every layer within one uint8 step of
    TFLite's, except one whose bias was broken on purpose."""
    src = str(shared_weights(DEEPLAB_TFLITE))
    converted = tmp_path / 'deeplab_mnv2.pth'
    converter.convert_mobilenetv2_tflite(src, str(converted))
    checkpoint = torch.load(converted, weights_only=True)
    checkpoint['state_dict']['layer3.1.conv.0.bn.bias'] += 0.5
    torch.save(checkpoint, converted)
    cfg = Config.fromfile(
        str(CONFIGS / 'linknet' / 'search' / 'coco-voc-init_mnv2.py'))
    cfg.model.backbone.init_cfg.checkpoint = str(converted)
    images = read_check_images(
        [str(real_data('cityscapes_pairs') / 'val')],
        photo_halves=True,
        size=513)
    results = check.check_encoder_conversion(
        src, cfg, dict(list(images.items())[:1]))
    layers = results['layers']['layers']
    assert len(layers) == 51
    assert results['input_max_diff'] <= INPUT_TOLERANCE
    assert layers.pop('layer3.1.conv.0')['within_one_step'] < 0.5
    assert min(v['within_one_step'] for v in layers.values()) >= \
        MIN_WITHIN_ONE_STEP
    assert not results['passed']
