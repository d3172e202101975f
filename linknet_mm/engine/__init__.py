"""Engine: safe checkpoint loading, the runner and hooks."""
from .checkpoint import allow_mmengine_checkpoints
from .hooks import TrainingCurvesHook
from .runner import CheckpointMismatchError, LinkNetRunner, init_cpu_dist

allow_mmengine_checkpoints()

__all__ = [
    'CheckpointMismatchError', 'LinkNetRunner', 'allow_mmengine_checkpoints',
    'init_cpu_dist', 'TrainingCurvesHook'
]
