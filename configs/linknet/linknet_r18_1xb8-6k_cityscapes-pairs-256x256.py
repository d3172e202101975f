# LinkNet-R18 from scratch on the real Kaggle Cityscapes image pairs: the
# CPU recipe measured in configs/linknet/README.md (2 cores, --amp bf16).
# One device, batch 8, 6k iterations (~16 epochs) of 256x256 crops, AdamW
# with warm-up and poly decay, and the class weighting of the LinkNet paper
# (ENet's 1 / ln(1.02 + p), p = the class's share of the labelled pixels of
# the 2975 decoded training labels): without it the thin and rare classes
# stay at 0 IoU on a short schedule. Validated every 1k iterations.
_base_ = ['./linknet_r18_1xb8-40k_cityscapes-pairs-256x256.py']
iters = 6000
# road, sidewalk, building, wall, fence, pole, traffic light, traffic sign,
# vegetation, terrain, sky, person, rider, car, truck, bus, train,
# motorcycle, bicycle
class_weight = [
    3.03, 12.79, 4.5, 37.96, 34.68, 38.65, 45.78, 39.23, 6.02, 31.82, 16.96,
    31.63, 47.33, 11.87, 41.71, 44.87, 45.1, 48.04, 41.23
]
model = dict(
    # measured from scratch (no ImageNet file for ResNet can be reached
    # here); the model base's init_cfg downloads ImageNet weights
    backbone=dict(init_cfg=None),
    decode_head=dict(
        # mmseg's CrossEntropyLoss fails on class_weight with ignored
        # pixels (linknet_mm.models.losses)
        loss_decode=dict(
            type='ClassWeightedCrossEntropyLoss', class_weight=class_weight)))
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
train_cfg = dict(max_iters=iters, val_interval=1000)
default_hooks = dict(checkpoint=dict(interval=1000))
custom_hooks = [
    dict(type='TrainingCurvesHook', metrics=['mIoU', 'aAcc'])
]
