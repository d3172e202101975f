# Lever: decoder width: the final block's 32 channels (the paper's) -> 64.
_base_ = ['../linknet_mobilenet-v2-in1k-pre_1xb8-1k_cityscapes-pairs-256x256.py']
model = dict(decode_head=dict(channels=64))
