"""Helpers of the command-line tools."""
from .config import ConfigError, load_tool_config

__all__ = ['ConfigError', 'load_tool_config']
