# The quickstart (tools/quickstart.sh): LinkNet-R18 trained from scratch
# (no download) on generated Cityscapes-pairs data, small enough for a
# 2-core CPU in minutes: 128x128 crops of the photo at half size, batch 8,
# 600 iterations of AdamW, validated at the end.
_base_ = ['./linknet_r18_1xb8-40k_cityscapes-pairs-256x256.py']
data_root = 'data/synthetic_cityscapes_pairs'
crop_size = (128, 128)
scale = (256, 128)
model = dict(
    data_preprocessor=dict(size=crop_size), backbone=dict(init_cfg=None))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='SplitImagePair', photo_side='left'),
    dict(type='DecodeCityscapesColors'),
    dict(type='RandomResize', scale=scale, ratio_range=(0.75, 1.5),
         keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='SplitImagePair', photo_side='left'),
    dict(type='Resize', scale=scale, keep_ratio=True),
    dict(type='DecodeCityscapesColors'),
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
test_dataloader = val_dataloader
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=2e-3, weight_decay=1e-4))
param_scheduler = [
    dict(type='PolyLR', power=0.9, eta_min=1e-5, end=600, by_epoch=False)
]
train_cfg = dict(max_iters=600, val_interval=600)
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(interval=600, max_keep_ckpts=1))
