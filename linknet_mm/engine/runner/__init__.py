"""Runner support for training without GPUs."""
from .cpu_dist import init_cpu_dist
from .safe_runner import SafeRunner

__all__ = ['SafeRunner', 'init_cpu_dist']
