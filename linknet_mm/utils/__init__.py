"""Small helpers below every layer: config reading, CPU description,
file hashes."""
from ..errors import ConfigError
from .config import check_work_dir, load_config
from .cpu import (cpu_flags, cpu_model, cpu_summary, int8_dot_product,
                  native_bf16, speed_flags)
from .files import file_sha256
from .known_warnings import quiet_known_warnings

__all__ = [
    'ConfigError', 'check_work_dir', 'cpu_flags', 'cpu_model', 'cpu_summary',
    'file_sha256', 'int8_dot_product', 'load_config', 'native_bf16',
    'quiet_known_warnings', 'speed_flags'
]
