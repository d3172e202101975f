"""Helpers of the command-line tools."""
from .config import (ConfigError, check_work_dir, load_tool_config,
                     read_config)

__all__ = ['ConfigError', 'check_work_dir', 'load_tool_config', 'read_config']
