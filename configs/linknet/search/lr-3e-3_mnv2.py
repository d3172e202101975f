# Lever: learning rate 3e-3 (the 1k base: 1e-3).
_base_ = ['../linknet_mobilenet-v2-in1k-pre_1xb8-1k_cityscapes-pairs-256x256.py']
optim_wrapper = dict(optimizer=dict(lr=3e-3))
