"""A stand-in for mmcv's compiled ops, so mmseg imports on mmcv-lite.

mmseg 1.2 imports ``mmcv.ops`` when its models are imported, and
``mmcv.ops`` loads the compiled module ``mmcv._ext``, which only the full
mmcv build has (about 10 minutes of compiling on 2 cores). LinkNet uses
none of those ops. With the pure-Python ``mmcv-lite``,
:func:`install_mmcv_ops_stand_in` puts a module in the place of
``mmcv._ext`` whose every function raises :class:`MissingMmcvOpError`
naming the op and how to get the full build; everything LinkNet uses
imports and runs. With the compiled ops present it does nothing.

``import linknet_mm`` calls it first; a script that imports ``mmseg.models``
before ``linknet_mm`` on mmcv-lite fails as stock mmseg does
(``No module named 'mmcv._ext'``): import ``linknet_mm`` first.
"""
import importlib.machinery
import importlib.util
import sys
import types
from typing import Callable

NAME = 'mmcv._ext'
#: How to get the real ops, in every error.
FULL_BUILD = ('install the full mmcv build: LINKNET_MMCV=full bash '
              'tools/setup_env.sh (compiles mmcv 2.1.0, about 10 minutes on '
              '2 cores)')


class MissingMmcvOpError(RuntimeError):
    """A compiled mmcv op was called on mmcv-lite."""


def _missing(op: str) -> Callable:
    """A function that raises :class:`MissingMmcvOpError` for ``op``."""

    def op_stand_in(*args, **kwargs):
        raise MissingMmcvOpError(
            f'mmcv op {op!r} is compiled code that mmcv-lite does not have '
            f'(LinkNet does not use it); to run it, {FULL_BUILD}')

    op_stand_in.__name__ = op
    return op_stand_in


def _stand_in_module() -> types.ModuleType:
    """The stand-in ``mmcv._ext``: any attribute is a missing op.

    Its spec has no loader, so ``pkgutil.find_loader('mmcv._ext')`` (what
    mmengine's ``mmcv_full_available`` asks) answers None: not full mmcv.
    """
    module = types.ModuleType(NAME, 'Stand-in for mmcv-lite: ' + FULL_BUILD)
    module.__spec__ = importlib.machinery.ModuleSpec(NAME, loader=None)

    def __getattr__(op: str) -> Callable:  # noqa: N807 (module hook)
        if op.startswith('__'):
            raise AttributeError(op)
        return _missing(op)

    module.__getattr__ = __getattr__
    return module


def compiled_ops_available() -> bool:
    """Whether the real ``mmcv._ext`` (full mmcv) is installed."""
    if isinstance(sys.modules.get(NAME), types.ModuleType) and getattr(
            sys.modules[NAME].__spec__, 'loader', None) is None:
        return False  # the stand-in
    try:
        return importlib.util.find_spec(NAME) is not None
    except ModuleNotFoundError:  # no mmcv at all
        return False


def install_mmcv_ops_stand_in() -> bool:
    """Put the stand-in in place of missing compiled ops.

    Returns:
        bool: Whether the stand-in is (now) in place; False with full mmcv
        or without mmcv.
    """
    if NAME in sys.modules:
        return not compiled_ops_available()
    if importlib.util.find_spec('mmcv') is None or compiled_ops_available():
        return False
    sys.modules[NAME] = _stand_in_module()
    return True
