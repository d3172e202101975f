# LinkNet-MobileNetV2 on the brain-tumor set, the encoder initialised with
# ImageNet weights converted offline from TensorFlow's MobileNetV2 TFLite
# file (tools/model_converters/mobilenetv2_tflite2mmseg.py; see
# configs/linknet/README.md). The from-scratch MobileNetV2 recipe otherwise
# unchanged (3k iterations, AdamW 1e-3), validated every 250 iterations.
_base_ = ['./linknet_mobilenet-v2_1xb8-3k_brain-tumor-256x256.py']
pretrained = 'checkpoints/mobilenet-v2_in1k-tflite.pth'
model = dict(
    # the TF network's input: RGB / 127.5 - 1
    data_preprocessor=dict(
        mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5],
        bgr_to_rgb=True),
    backbone=dict(
        init_cfg=dict(
            _delete_=True,
            type='StrictPretrained',
            checkpoint=pretrained,
            how_to_get='convert TensorFlow\'s ImageNet MobileNetV2 with '
            '`python tools/model_converters/mobilenetv2_tflite2mmseg.py '
            'tf2_mobilenet_v2_1.0_224_ptq.tflite {checkpoint}` (where to '
            'get the .tflite file: docs/en/train_test.md, "ImageNet weights '
            'offline")')))
train_cfg = dict(val_interval=250)
default_hooks = dict(checkpoint=dict(interval=250))
