# Entry point: `python tools/train.py configs/linknet_brain_tumor.py`.
# Data in data/brain_tumor/{images,masks}/*.png; change it with
# --cfg-options data_root=... (see docs/en/datasets.md).
_base_ = ['./linknet/linknet_r18_1xb8-3k_brain-tumor-256x256.py']
