"""Runner support for training without GPUs."""
from .cpu_dist import init_cpu_dist
from .cpu_dist_runner import CPUDistRunner

__all__ = ['CPUDistRunner', 'init_cpu_dist']
