"""Runner support for training without GPUs."""
from .cpu_dist import init_cpu_dist
from .linknet_runner import CheckpointMismatchError, LinkNetRunner

__all__ = ['CheckpointMismatchError', 'LinkNetRunner', 'init_cpu_dist']
