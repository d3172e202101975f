# LinkNet with a ResNet-50 encoder (bottleneck stages: 256...2048 wide).
_base_ = ['./linknet_r18_1xb8-40k_cityscapes-pairs-256x256.py']
model = dict(
    backbone=dict(
        depth=50,
        init_cfg=dict(
            checkpoint='https://download.pytorch.org/models/'
            'resnet50-0676ba61.pth')),
    decode_head=dict(in_channels=[256, 512, 1024, 2048]))
