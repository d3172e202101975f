"""Run one of mmseg's own tools with linknet_mm imported first.

mmseg ships its tools inside the package (``mmseg/.mim/tools``); this runs
one by its path there. With linknet_mm installed by pip, its start-up hook
(``linknet_mm_mmcv_hook.py``) already lets them import on mmcv-lite, and
they also run directly. Without it (``PYTHONPATH`` use, ``python -S``), a
few of them import ``mmseg.utils`` or ``mmseg.models`` before they read a
config, which on mmcv-lite fails with ``No module named 'mmcv._ext'``;
importing ``linknet_mm`` first installs the hook (and registers LinkNet).
Example::

    python tools/misc/mmseg_tool.py analysis_tools/browse_dataset.py \\
        configs/linknet_cityscapes.py --output-dir vis --not-show
"""
import runpy
import sys
from pathlib import Path

import linknet_mm  # noqa: F401  (first: the stand-in, the registrations)
import mmseg


def main() -> None:
    """Run ``mmseg/.mim/tools/<TOOL>`` with the remaining arguments."""
    tools = Path(mmseg.__file__).parent / '.mim' / 'tools'
    if len(sys.argv) < 2 or sys.argv[1] in ('-h', '--help'):
        sys.exit(f'usage: {sys.argv[0]} TOOL [ARGS...]; TOOL is a path '
                 f'under {tools}, e.g. analysis_tools/browse_dataset.py')
    tool = tools / sys.argv[1]
    if not tool.is_file():
        sys.exit(f'error: {tool} not found; the tools are under {tools}')
    sys.argv = [str(tool)] + sys.argv[2:]
    runpy.run_path(str(tool), run_name='__main__')


if __name__ == '__main__':
    main()
