# Lever: mmseg's Dice term (one Dice over all classes, flattened) beside the
# class-weighted cross-entropy.
_base_ = ['../linknet_mobilenet-v2-in1k-pre_1xb8-1k_cityscapes-pairs-256x256.py']
model = dict(
    decode_head=dict(loss_decode=[
        dict(
            type='ClassWeightedCrossEntropyLoss',
            class_weight={{_base_.class_weight}}),
        dict(type='DiceLoss', use_sigmoid=False, loss_weight=1.0)
    ]))
