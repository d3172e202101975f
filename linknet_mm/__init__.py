"""LinkNet semantic segmentation for mmsegmentation 1.x.

Importing the package registers everything into mmseg's registries (the
``LinkNetHead``, the datasets and transforms, ``SafeRunner``, the
metric, hook and visualizer) and lets
``torch.load`` read the checkpoints mmengine writes (see
:mod:`linknet_mm.engine.checkpoint_reading`). Every config does it through
``custom_imports``.
"""
from . import datasets, engine, evaluation, models, visualization  # noqa
from .version import __version__

__all__ = ['__version__']
