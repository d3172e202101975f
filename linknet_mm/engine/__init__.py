"""Engine: safe checkpoint loading, the runner and hooks."""
from .checkpoint_reading import (CheckpointMismatchError,
                                 allow_mmengine_checkpoints,
                                 checkpoint_mismatches, read_checkpoint,
                                 state_dict_of)
from .hooks import TrainingCurvesHook
from .runner import SafeRunner, init_cpu_dist

allow_mmengine_checkpoints()

__all__ = [
    'CheckpointMismatchError', 'SafeRunner', 'TrainingCurvesHook',
    'allow_mmengine_checkpoints', 'checkpoint_mismatches', 'init_cpu_dist',
    'read_checkpoint', 'state_dict_of'
]
