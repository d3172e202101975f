# Lever: mmseg's OHEMPixelSampler instead of the class weights (plain
# cross-entropy).
_base_ = ['../linknet_mobilenet-v2-in1k-pre_1xb8-1k_cityscapes-pairs-256x256.py']
model = dict(
    decode_head=dict(
        sampler=dict(type='OHEMPixelSampler', thresh=0.7, min_kept=100000),
        loss_decode=dict(
            _delete_=True, type='CrossEntropyLoss', avg_non_ignore=True)))
