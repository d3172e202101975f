# LinkNet with a ResNet-34 encoder (same widths as ResNet-18).
_base_ = ['./linknet_r18_1xb8-40k_cityscapes-pairs-256x256.py']
model = dict(
    backbone=dict(
        depth=34,
        init_cfg=dict(
            checkpoint='https://download.pytorch.org/models/'
            'resnet34-b627a593.pth')))
