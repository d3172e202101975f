# Entry point: `python tools/train.py configs/linknet_cityscapes.py`.
# LinkNet-R18 on the Kaggle Cityscapes pairs, the CPU recipe measured on the
# real pairs (configs/linknet/README.md). Data in
# data/cityscapes_pairs/{train,val}/*.jpg; change it with
# --cfg-options data_root=... (see docs/en/datasets.md). The GPU schedule
# (40k iterations, not measured here) is
# configs/linknet/linknet_r18_1xb8-40k_cityscapes-pairs-256x256.py.
_base_ = ['./linknet/linknet_r18_1xb8-6k_cityscapes-pairs-256x256.py']
