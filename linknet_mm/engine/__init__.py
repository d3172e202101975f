"""Engine: checkpoints (safe reading and loading), strict
pretrained weights, the runner, hooks and ``--amp``."""
from .amp import enable_amp
from .checkpoint import (CheckpointMismatchError, StateDictDiff,
                         allow_mmengine_checkpoints, compare_state_dicts,
                         load_segmentor_checkpoint, load_weights,
                         read_checkpoint, state_dict_of)
from .hooks import TrainingCurvesHook
from .optim_wrappers import CpuBf16OptimWrapper
from .runner import SafeRunner, init_cpu_dist
from .strict_pretrained import StrictPretrainedInit

allow_mmengine_checkpoints()

__all__ = [
    'CheckpointMismatchError', 'CpuBf16OptimWrapper', 'SafeRunner',
    'StateDictDiff', 'StrictPretrainedInit', 'TrainingCurvesHook',
    'allow_mmengine_checkpoints', 'compare_state_dicts', 'enable_amp',
    'init_cpu_dist', 'load_segmentor_checkpoint', 'load_weights',
    'read_checkpoint', 'state_dict_of'
]
