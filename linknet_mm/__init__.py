"""LinkNet semantic segmentation for mmsegmentation 1.x.

Importing the package registers everything into mmseg's registries (the
``LinkNetHead``, the datasets and transforms, ``SafeRunner``, the
metric, hook and visualizer) and lets
``torch.load`` read the checkpoints mmengine writes (see
:mod:`linknet_mm.engine.checkpoint`). Every config does it through
``custom_imports``. On mmcv-lite it first puts a stand-in in place of
mmcv's compiled ops, which mmseg imports but LinkNet does not use (see
:mod:`linknet_mm.mmcv_ops_stand_in`).
"""
from .mmcv_ops_stand_in import install_mmcv_ops_stand_in

install_mmcv_ops_stand_in()  # before anything imports mmseg's models

# registering imports, after the stand-in
from . import visualization  # noqa: E402,F401
from . import datasets, engine, evaluation, models  # noqa: E402,F401
from .version import __version__  # noqa: E402

__all__ = ['__version__']
