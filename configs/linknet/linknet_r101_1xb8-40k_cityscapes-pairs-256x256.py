# LinkNet with a ResNet-101 encoder.
_base_ = ['./linknet_r50_1xb8-40k_cityscapes-pairs-256x256.py']
model = dict(
    backbone=dict(
        depth=101,
        init_cfg=dict(
            checkpoint='https://download.pytorch.org/models/'
            'resnet101-63fe2227.pth')))
