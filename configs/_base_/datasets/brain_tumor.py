# dataset settings: Kaggle 'nikhilroxtomar/brain-tumor-segmentation'
# (data_root/images/*.png, data_root/masks/*.png; see BrainTumorDataset)
dataset_type = 'BrainTumorDataset'
data_root = 'data/brain_tumor'
# Most slices are 512x512, 15 of 3064 are 256x256 (same field of view):
# resizing to a `scale` (not by a factor) brings both to the same size.
# Whole slices at 256x256: every training sample holds its tumour (which
# covers 0.3-5 % of a slice) and the model sees the whole brain; metrics
# are computed on the masks at their original size.
img_scale = (256, 256)
crop_size = (256, 256)
train_pipeline = [
    dict(type='LoadImageFromFile'),  # grey PNG -> 3 equal channels
    # the mask in its own bit depth: mmseg's LoadAnnotations casts to uint8
    # (a 16-bit 0/256 mask would become all background)
    dict(type='LoadUnchangedAnnotations'),  # grey PNG -> (H, W) 0/255
    dict(type='CheckMaskSize'),
    dict(type='BinarizeMask', threshold=128),
    dict(
        type='RandomResize',
        scale=img_scale,
        ratio_range=(0.8, 1.25),
        keep_ratio=True),
    # corners brought in by the rotation are background, as is the border
    dict(type='RandomRotate', prob=0.5, degree=15, pad_val=0, seg_pad_val=0),
    # No cat_max_ratio (stays 1.0, off): background fills > 75 % of nearly
    # every crop, so 0.75 would reject all 10 tries and keep the 11th
    # random crop anyway, after 10 wasted label counts.
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    # Annotations load after Resize: metrics are computed at the mask's
    # original size.
    dict(type='LoadUnchangedAnnotations'),
    dict(type='CheckMaskSize'),
    dict(type='BinarizeMask', threshold=128),
    dict(type='PackSegInputs')
]
# tools/test.py --tta: multi-scale + flip, masks kept at original size
img_ratios = [0.5, 0.75, 1.0, 1.25, 1.5]
tta_pipeline = [
    dict(type='LoadImageFromFile'),
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
            ],
            [dict(type='LoadUnchangedAnnotations')],
            [dict(type='BinarizeMask', threshold=128)],
            [dict(type='PackSegInputs')],
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
        split='train',
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='val',
        pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='test',
        pipeline=test_pipeline))
# Per-class IoU and Dice are logged too: the 'tumor' row is the one to read;
# per_image_Dice.tumor (mean over slices, with median and 10th percentile,
# and by tumour area: <1 %, 1-2 %, >=2 % of the slice) is the medical
# convention.
val_evaluator = dict(
    type='ClassWiseIoUMetric',
    iou_metrics=['mIoU', 'mDice'],
    per_image_classes=['tumor'],
    area_bins=(1, 2))
test_evaluator = val_evaluator
