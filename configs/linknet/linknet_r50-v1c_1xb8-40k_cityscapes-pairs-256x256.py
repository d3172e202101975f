# LinkNet with mmseg's ResNetV1c-50 encoder (three 3x3 convs in the stem),
# the backbone of most mmseg Cityscapes models.
_base_ = ['./linknet_r50_1xb8-40k_cityscapes-pairs-256x256.py']
model = dict(
    backbone=dict(
        type='ResNetV1c',
        init_cfg=dict(checkpoint='open-mmlab://resnet50_v1c')))
