"""tools/misc/mmseg_tool.py: runs mmseg's shipped tools (browse_dataset.py
through it: test_browse_dataset.py)."""
from conftest import run_tool


def test_unknown_tool_is_named():
    proc = run_tool('misc/mmseg_tool.py', 'nope.py', check=False)
    assert proc.returncode == 1
    assert 'nope.py not found; the tools are under' in proc.stderr
