"""conftest.tool_module imports a module of tools/ by its path."""
import pytest
from conftest import tool_module


def test_tool_module_imports_by_path():
    module = tool_module('train.py')
    assert callable(module.main)
    assert module.__file__.endswith('tools/train.py')


def test_tool_module_names_a_missing_file():
    with pytest.raises(FileNotFoundError, match='no_such_tool.py'):
        tool_module('no_such_tool.py')
