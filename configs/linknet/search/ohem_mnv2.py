# Lever: mmseg's OHEMPixelSampler (pixels under 0.7 confidence, at least
# 100k a batch) beside the class weights.
_base_ = ['../linknet_mobilenet-v2-in1k-pre_1xb8-1k_cityscapes-pairs-256x256.py']
model = dict(
    decode_head=dict(
        sampler=dict(type='OHEMPixelSampler', thresh=0.7, min_kept=100000)))
