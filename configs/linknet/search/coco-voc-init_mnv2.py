# Lever: encoder init. DeepLabV3's MobileNetV2 encoder, trained for
# segmentation on COCO then PASCAL VOC (the 1k base: ImageNet).
_base_ = ['../linknet_mobilenet-v2-in1k-pre_1xb8-1k_cityscapes-pairs-256x256.py']
pretrained = 'checkpoints/mobilenet-v2_coco-voc-deeplabv3-tflite.pth'
model = dict(
    backbone=dict(
        init_cfg=dict(
            checkpoint=pretrained,
            how_to_get='convert DeepLabV3\'s COCO/VOC MobileNetV2 with '
            '`python tools/model_converters/mobilenetv2_tflite2mmseg.py '
            'deeplabv3_mnv2_pascal_quant.tflite {checkpoint}` (where to get '
            'the .tflite file: docs/en/train_test.md, "ImageNet weights '
            'offline")')))
