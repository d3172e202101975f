# Lever: resolution. The 256x256 photos are upsampled x2 (512x512) in
# training (random 0.5-2x around it, 384x384 crops) and in testing; metrics
# stay at the labels' 256x256.
_base_ = ['../linknet_mobilenet-v2-in1k-pre_1xb8-1k_cityscapes-pairs-256x256.py']
crop_size = (384, 384)
model = dict(data_preprocessor=dict(size=crop_size))
train_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='SplitImagePair', photo_side='left'),
        dict(type='DecodeCityscapesColors'),
        dict(
            type='RandomResize',
            scale=(1024, 512),
            ratio_range=(0.5, 2.0),
            keep_ratio=True),
        dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
        dict(type='RandomFlip', prob=0.5),
        dict(type='PhotoMetricDistortion'),
        dict(type='PackSegInputs')
    ]))
val_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='SplitImagePair', photo_side='left'),
        dict(type='Resize', scale=(1024, 512), keep_ratio=True),
        dict(type='DecodeCityscapesColors'),
        dict(type='PackSegInputs')
    ]))
test_dataloader = val_dataloader
