"""Generated datasets for trying the toolkit and testing it.

Small datasets in the exact on-disk formats of the real ones (Kaggle
Cityscapes pairs, brain-tumour images/ + masks/), written by
``tools/misc/make_synthetic_data.py`` for the quickstart, the tests and the
benchmarks (:func:`make_synthetic_data`: the data a config reads).
Nothing here is used when training on real data, and
``import linknet_mm`` does not import it.
"""
from .brain_tumor import make_brain_tumor
from .cityscapes_pairs import make_cityscapes_pairs, render_cityscapes_pair
from .data_root import SYNTHETIC_DATA, make_synthetic_data

__all__ = [
    'SYNTHETIC_DATA', 'make_brain_tumor', 'make_cityscapes_pairs',
    'make_synthetic_data', 'render_cityscapes_pair'
]
