"""Runner support for training without GPUs."""
from .cpu_dist import init_cpu_dist
from .linknet_runner import LinkNetRunner

__all__ = ['LinkNetRunner', 'init_cpu_dist']
