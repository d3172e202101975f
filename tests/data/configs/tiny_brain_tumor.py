# configs/linknet_brain_tumor.py shrunk for tests: no pretrained download,
# 128x128 images with 64x64 crops, a few iterations, batch 2, no worker
# processes. data_root comes from the test (--cfg-options data_root=...).
_base_ = ['../../../configs/linknet_brain_tumor.py']
crop_size = (64, 64)
model = dict(
    data_preprocessor=dict(size=crop_size), backbone=dict(init_cfg=None))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='BinarizeMask'),
    dict(type='RandomResize', scale=(128, 128), ratio_range=(0.75, 1.25),
         keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='BinarizeMask'),
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    batch_size=2,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
train_cfg = dict(max_iters=6, val_interval=3)
param_scheduler = [dict(type='PolyLR', power=0.9, end=6, by_epoch=False)]
default_hooks = dict(
    logger=dict(interval=1), checkpoint=dict(interval=3, max_keep_ckpts=3))
