"""Engine pieces: safe checkpoint loading and the CPU-capable runner."""
from .checkpoint import allow_mmengine_checkpoints
from .runner import CPUDistRunner, init_cpu_dist

allow_mmengine_checkpoints()

__all__ = ['CPUDistRunner', 'allow_mmengine_checkpoints', 'init_cpu_dist']
