# configs/linknet_cityscapes.py with a narrow ResNet-18 (8 to 64 channels
# instead of 64 to 512): the same layers and odd-size crops, so inference,
# export and benchmark tests run in seconds. No pretrained download.
_base_ = ['../../../configs/linknet_cityscapes.py']
model = dict(
    backbone=dict(stem_channels=8, base_channels=8, init_cfg=None),
    decode_head=dict(in_channels=[8, 16, 32, 64], channels=8))
train_dataloader = dict(batch_size=2, num_workers=0, persistent_workers=False)
