"""LinkNet semantic segmentation for mmsegmentation 1.x.

Importing the package registers everything into mmseg's registries (the
``LinkNetHead``, the datasets and transforms, ``SafeRunner``, the
metric, hook and visualizer) and lets
``torch.load`` read the checkpoints mmengine writes (see
:mod:`linknet_mm.engine.checkpoint`). Every config does it through
``custom_imports``. First it installs the hook that, on mmcv-lite, puts
a stand-in in place of mmcv's compiled ops, which mmseg imports but
LinkNet does not use (see :mod:`linknet_mm_mmcv_hook`; the start-up file
that pip installs with linknet_mm installs it in every interpreter).
"""
import linknet_mm_mmcv_hook

linknet_mm_mmcv_hook.install()  # before anything imports mmseg's models

# registering imports, after the stand-in
from . import datasets, engine, evaluation, models  # noqa: E402,F401
from . import visualization  # noqa: E402,F401
from .version import __version__  # noqa: E402

__all__ = ['__version__']
