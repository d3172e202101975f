# The recipe search's fixed budget for LinkNet-MobileNetV2 (ImageNet
# encoder) on the real Cityscapes pairs: the 4k leaf cut to 1k iterations
# (100 warm-up + poly), validated once at the end; see its R-18 twin
# linknet_r18_1xb8-1k_cityscapes-pairs-256x256.py.
_base_ = ['./linknet_mobilenet-v2-in1k-pre_1xb8-4k_cityscapes-pairs-256x256.py']
iters = 1000
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, end=100, by_epoch=False),
    dict(type='PolyLR', power=0.9, eta_min=1e-6, begin=100, end=iters,
         by_epoch=False)
]
train_cfg = dict(max_iters=iters, val_interval=iters)
default_hooks = dict(checkpoint=dict(interval=iters))
