"""SafeRunner: registered under its name and its first name."""
from mmseg.registry import RUNNERS

from linknet_mm.engine import SafeRunner


def test_old_config_name_selects_the_same_runner():
    assert RUNNERS.get('SafeRunner') is SafeRunner
    assert RUNNERS.get('LinkNetRunner') is SafeRunner
