# LinkNet-R18 on the Kaggle Cityscapes image pairs (photo | colour label,
# 256x512 JPEGs; 2975 train / 500 val), 19 trainIds: the GPU schedule,
# NOT MEASURED (about 7 hours on 2 CPU cores in bf16; the measured CPU recipe is
# linknet_r18_1xb8-6k_cityscapes-pairs-256x256.py, the entry point).
# One device, batch 8, 40k iterations (~108 epochs), SGD lr 0.01 with poly
# decay (mmseg's Cityscapes schedule), 256x256 crops, ImageNet weights
# (downloaded); validated every 4k iterations, the best checkpoint kept by
# mIoU.
_base_ = [
    '../_base_/models/linknet_r18.py', '../_base_/datasets/cityscapes_pairs.py',
    '../_base_/default_runtime.py', 'mmseg::_base_/schedules/schedule_40k.py'
]
model = dict(data_preprocessor=dict(size={{_base_.crop_size}}))
default_hooks = dict(
    checkpoint=dict(save_best='mIoU', rule='greater', max_keep_ckpts=2))
