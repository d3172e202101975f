# dataset settings: Kaggle 'dansbecker/cityscapes-image-pairs'
# (data_root/{train,val}/*.jpg, 256x512 photo | colour label composites;
# see CityscapesPairsDataset). Labels are decoded from the colour half to
# the 19 Cityscapes trainIds on the fly.
dataset_type = 'CityscapesPairsDataset'
data_root = 'data/cityscapes_pairs'
crop_size = (256, 256)
train_pipeline = [
    # The dataset checks every composite when it lists the split.
    dict(type='LoadImageFromFile'),
    dict(type='SplitImagePair', photo_side='left'),
    dict(type='DecodeCityscapesColors'),
    dict(
        type='RandomResize',
        scale=(512, 256),
        ratio_range=(0.5, 2.0),
        keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs')
]
# SplitImagePair splits only the dataset's composites: mmseg's
# MMSegInferencer runs this pipeline on plain photos.
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='SplitImagePair', photo_side='left'),
    # The photo is 256x256: this keeps it as it is.
    dict(type='Resize', scale=(512, 256), keep_ratio=True),
    # Labels decode after Resize: metrics are computed at the original
    # size.
    dict(type='DecodeCityscapesColors'),
    dict(type='PackSegInputs')
]
# tools/test.py --tta: multi-scale + flip, labels decoded at original size
img_ratios = [0.5, 0.75, 1.0, 1.25, 1.5, 1.75]
tta_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='SplitImagePair', photo_side='left'),
    dict(
        type='TestTimeAug',
        transforms=[
            [
                dict(type='Resize', scale_factor=r, keep_ratio=True)
                for r in img_ratios
            ],
            [
                dict(type='RandomFlip', prob=0., direction='horizontal'),
                dict(type='RandomFlip', prob=1., direction='horizontal')
            ], [dict(type='DecodeCityscapesColors')],
            [dict(type='PackSegInputs')]
        ])
]
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(img_path='train'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(img_path='val'),
        pipeline=test_pipeline))
test_dataloader = val_dataloader
# mmseg's IoUMetric plus per-class entries and a confusion matrix
val_evaluator = dict(type='ClassWiseIoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
