# LinkNet-MobileNetV2 on the real Kaggle Cityscapes pairs, the encoder
# initialised with ImageNet weights converted offline from TensorFlow's
# MobileNetV2 TFLite file (tools/model_converters/mobilenetv2_tflite2mmseg.py;
# docs/en/train_test.md, "ImageNet weights offline"). The R-18 CPU recipe
# (AdamW, class-weighted cross-entropy, 256x256 crops) on a shorter
# schedule, 4k iterations (what the measuring session had time for; not
# tuned).
_base_ = ['./linknet_r18_1xb8-6k_cityscapes-pairs-256x256.py']
iters = 4000
pretrained = 'checkpoints/mobilenet-v2_in1k-tflite.pth'
model = dict(
    # the TF network's input: RGB / 127.5 - 1
    data_preprocessor=dict(
        mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5],
        bgr_to_rgb=True),
    # mmseg's MobileNetV2: stages 1, 2, 4 and 6 give 24, 32, 96 and 320
    # channels at strides 4, 8, 16 and 32
    backbone=dict(
        _delete_=True,
        type='MobileNetV2',
        widen_factor=1.,
        strides=(1, 2, 2, 2, 1, 2, 1),
        dilations=(1, 1, 1, 1, 1, 1, 1),
        out_indices=(1, 2, 4, 6),
        norm_cfg={{_base_.norm_cfg}},
        init_cfg=dict(
            type='StrictPretrained',
            checkpoint=pretrained,
            how_to_get='convert TensorFlow\'s ImageNet MobileNetV2 with '
            '`python tools/model_converters/mobilenetv2_tflite2mmseg.py '
            'tf2_mobilenet_v2_1.0_224_ptq.tflite {checkpoint}` (where to '
            'get the .tflite file: docs/en/train_test.md, "ImageNet weights '
            'offline")')),
    decode_head=dict(in_channels=[24, 32, 96, 320]))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, begin=0, end=200, by_epoch=False),
    dict(
        type='PolyLR',
        power=0.9,
        eta_min=1e-6,
        begin=200,
        end=iters,
        by_epoch=False)
]
train_cfg = dict(max_iters=iters)
