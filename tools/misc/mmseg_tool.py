"""Run one of mmseg's own tools with linknet_mm imported first.

mmseg ships its tools inside the package (``mmseg/.mim/tools``). A few of
them import ``mmseg.utils`` or ``mmseg.models`` before they read a config,
which on the default mmcv-lite set-up fails with ``No module named
'mmcv._ext'``; importing ``linknet_mm`` first puts its stand-in for mmcv's
compiled ops in place (and registers LinkNet). Example::

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
