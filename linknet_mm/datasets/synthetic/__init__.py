"""Small synthetic datasets in the exact on-disk formats of the real ones."""
from .brain_tumor import make_brain_tumor
from .cityscapes_pairs import make_cityscapes_pairs, render_cityscapes_pair

__all__ = ['make_brain_tumor']
__all__ += ['make_cityscapes_pairs', 'render_cityscapes_pair']
