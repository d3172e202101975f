# Runtime shared by every linknet_mm config: mmseg's own runtime, plus the
# plugin import (registers LinkNetHead, the datasets, the safe checkpoint
# loading and SafeRunner) and the runner that also trains distributed
# on CPU-only machines. A user's own config inherits this file.
_base_ = ['mmseg::_base_/default_runtime.py']

custom_imports = dict(imports=['linknet_mm'], allow_failed_imports=False)
default_scope = 'mmseg'
runner_type = 'SafeRunner'
# A fixed seed makes runs repeatable and lets --resume continue with the
# same data order and augmentations as an uninterrupted run (mmengine
# replays the data loader up to the resumed iteration).
randomness = dict(seed=0)
# image | ground truth | prediction panels (tools/test.py --show-dir)
visualizer = dict(
    type='TripletSegVisualizer',
    vis_backends=[dict(type='LocalVisBackend')],
    name='visualizer')
# training_curves.png (loss, validation metrics) in the run's log folder
custom_hooks = [dict(type='TrainingCurvesHook', metrics=['mIoU'])]
# load_from / tools/test.py refuse a checkpoint with tensors of other shapes
# (e.g. another num_classes); True loads what fits, with mmengine's warning
partial_load = False
# the model's memory format in training and testing: 'auto' is channels-last
# for --amp (bf16) training on CPUs with AVX-512 (faster there,
# docs/en/benchmarks.md) and PyTorch's default elsewhere; or 'channels_last'
# / 'contiguous_format'
memory_format = 'auto'
