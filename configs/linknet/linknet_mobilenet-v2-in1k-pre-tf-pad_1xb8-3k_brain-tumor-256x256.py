# As linknet_mobilenet-v2-in1k-pre_1xb8-3k_brain-tumor-256x256.py, with the
# stride-2 convolutions padded as TensorFlow pads them ("SAME": the odd
# pixel at the bottom/right), as the converted weights were trained; mmseg
# pads both sides. mmcv's Conv2dAdaptivePadding pads so.
_base_ = ['./linknet_mobilenet-v2-in1k-pre_1xb8-3k_brain-tumor-256x256.py']
model = dict(backbone=dict(conv_cfg=dict(type='Conv2dAdaptivePadding')))
