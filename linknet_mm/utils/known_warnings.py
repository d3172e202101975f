"""Keep known, harmless upstream warnings out of the tools' output.

Each entry is one exact upstream message that says nothing about the
user's run (a deprecation inside mmengine or mmseg, or mmseg's inferencer
building a visualizer it does not save with). Anything else still shows.
"""
import logging
import re
import warnings

from mmengine.logging import MMLogger

#: (category, start of the message) of upstream Python warnings.
KNOWN_WARNINGS = (
    # setuptools, on every mmengine package lookup (mmseg:: bases)
    (UserWarning, 'pkg_resources is deprecated as an API'),
    # mmseg's decode heads build their losses with it
    (UserWarning, '``build_loss`` would be deprecated soon'),
    # mmseg's MMSegInferencer builds its visualizer without a save_dir
    (UserWarning, "Failed to add <class 'mmengine.visualization.vis_backend."
     "LocalVisBackend'>, please provide the `save_dir` argument."),
)
#: Starts of upstream log lines of the same kind, at WARNING level.
KNOWN_LOG_LINES = (
    '"FileClient" will be deprecated in future.',
    '"HardDiskBackend" is the alias of "LocalBackend"',
    'Failed to search registry with scope "mmseg" in the "function" '
    'registry tree.',
)


class _KnownLogLines(logging.Filter):
    """Drops the log records of :data:`KNOWN_LOG_LINES`."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(KNOWN_LOG_LINES)


def quiet_known_warnings() -> None:
    """Hide the known warnings from now on, in this process.

    Python warnings are filtered by category and exact message start; log
    lines on mmengine's current logger by their exact start.
    """
    for category, message in KNOWN_WARNINGS:
        warnings.filterwarnings(
            'ignore', message=re.escape(message), category=category)
    MMLogger.get_current_instance().addFilter(_KnownLogLines())
