# LinkNet with mmseg's MobileNetV2 encoder on the brain-tumor set: the
# R18 recipe unchanged (from scratch, 256x256 slices, 3k iterations),
# the fast model of the model-zoo table. Stages 1, 2, 4 and 6 give 24, 32,
# 96 and 320 channels at strides 4, 8, 16 and 32.
_base_ = ['./linknet_r18_1xb8-3k_brain-tumor-256x256.py']
model = dict(
    backbone=dict(
        _delete_=True,
        type='MobileNetV2',
        widen_factor=1.,
        strides=(1, 2, 2, 2, 1, 2, 1),
        dilations=(1, 1, 1, 1, 1, 1, 1),
        out_indices=(1, 2, 4, 6),
        norm_cfg={{_base_.norm_cfg}},
        init_cfg=None),
    decode_head=dict(in_channels=[24, 32, 96, 320]))
