# Entry point: `python tools/train.py configs/linknet_cityscapes.py`.
# Data in data/cityscapes_pairs/{train,val}/*.jpg; change it with
# --cfg-options data_root=... (see README).
_base_ = ['./linknet/linknet_r18_1xb8-40k_cityscapes-pairs-256x256.py']
