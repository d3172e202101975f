# The ImageNet-initialised MobileNetV2 recipe with a longer schedule: 5k
# iterations (~22 epochs) instead of 3k, validated every 500.
_base_ = ['./linknet_mobilenet-v2-in1k-pre_1xb8-3k_brain-tumor-256x256.py']
iters = 5000
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, begin=0, end=200,
         by_epoch=False),
    dict(type='PolyLR', power=0.9, eta_min=1e-6, begin=200, end=iters,
         by_epoch=False)
]
train_cfg = dict(max_iters=iters, val_interval=500)
default_hooks = dict(checkpoint=dict(interval=500))
