# The recipe search's fixed budget for LinkNet-R18 on the real Cityscapes
# pairs: the entry point's recipe (linknet_r18_1xb8-6k_...) cut to 1k
# iterations (100 warm-up + poly), validated once at the end. Each lever of
# configs/linknet/search/ changes one thing on top of this or of its
# MobileNetV2 twin; the table is in configs/linknet/README.md.
_base_ = ['./linknet_r18_1xb8-6k_cityscapes-pairs-256x256.py']
iters = 1000
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, end=100, by_epoch=False),
    dict(type='PolyLR', power=0.9, eta_min=1e-6, begin=100, end=iters,
         by_epoch=False)
]
train_cfg = dict(max_iters=iters, val_interval=iters)
default_hooks = dict(checkpoint=dict(interval=iters))
