# LinkNet-R18 on the Kaggle brain-tumor MRI set (images/ + masks/, 0/255
# masks; deterministic 0.6/0.2/0.2 split = 1840/612/612 of 3064).
# One device, batch 8, 20k iterations (~87 epochs), SGD lr 0.01 with poly
# decay, 256x256 crops, cross-entropy + Dice loss; validated every 2k
# iterations, the best checkpoint kept by mDice.
_base_ = [
    '../_base_/models/linknet_r18.py', '../_base_/datasets/brain_tumor.py',
    '../_base_/default_runtime.py', 'mmseg::_base_/schedules/schedule_20k.py'
]
model = dict(
    data_preprocessor=dict(size={{_base_.crop_size}}),
    decode_head=dict(
        num_classes=2,
        out_channels=2,
        loss_decode=[
            dict(type='CrossEntropyLoss', loss_weight=1.0),
            dict(type='DiceLoss', use_sigmoid=False, loss_weight=1.0)
        ]))
default_hooks = dict(
    checkpoint=dict(save_best='mDice', rule='greater', max_keep_ckpts=2))
visualizer = dict(outline=True)  # tumours as outlines on the MRI slice
custom_hooks = [dict(type='TrainingCurvesHook', metrics=['mIoU', 'mDice'])]
