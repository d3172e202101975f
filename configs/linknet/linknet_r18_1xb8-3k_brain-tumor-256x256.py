# LinkNet-R18 on the Kaggle brain-tumor MRI set (images/ + masks/, 0/255
# masks; deterministic 0.6/0.2/0.2 split = 1840/612/612 of 3064), the
# measured model-zoo recipe (configs/linknet/README.md): from scratch (no
# ImageNet weights), whole slices at 256x256, one device, batch 8,
# 3k iterations (~13 epochs), AdamW with warm-up and poly decay,
# cross-entropy + Dice loss; validated every 500 iterations, the best
# checkpoint kept by the tumour's Dice.
_base_ = [
    '../_base_/models/linknet_r18.py', '../_base_/datasets/brain_tumor.py',
    '../_base_/default_runtime.py', 'mmseg::_base_/schedules/schedule_20k.py'
]
iters = 3000
model = dict(
    data_preprocessor=dict(size={{_base_.crop_size}}),
    # measured from scratch; with network access, ImageNet weights
    # (the model base's init_cfg) are likely to do better, but untested here
    backbone=dict(init_cfg=None),
    decode_head=dict(
        num_classes=2,
        out_channels=2,
        loss_decode=[
            dict(
                type='CrossEntropyLoss', loss_weight=1.0,
                avg_non_ignore=True),
            # mmseg's DiceLoss scores all classes as one flattened Dice,
            # which the background (98 % of the pixels) dominates: it is
            # ~0.02 for a model that finds no tumour. Its ignore_index drops
            # a class channel from that Dice, so 0 makes it the tumour's.
            dict(
                type='DiceLoss', use_sigmoid=False, ignore_index=0,
                loss_weight=1.0)
        ]))
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=1e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, begin=0, end=200,
         by_epoch=False),
    dict(type='PolyLR', power=0.9, eta_min=1e-6, begin=200, end=iters,
         by_epoch=False)
]
train_cfg = dict(max_iters=iters, val_interval=500)
default_hooks = dict(
    checkpoint=dict(
        interval=500, save_best='Dice.tumor', rule='greater',
        max_keep_ckpts=2))
visualizer = dict(outline=True)  # tumours as outlines on the MRI slice
custom_hooks = [
    dict(
        type='TrainingCurvesHook',
        metrics=['Dice.tumor', 'per_image_Dice.tumor', 'IoU.tumor'])
]
