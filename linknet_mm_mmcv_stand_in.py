"""A stand-in for mmcv's compiled ops, so mmseg imports on mmcv-lite.

mmseg 1.2 imports ``mmcv.ops`` when its models are imported, and
``mmcv.ops`` loads the compiled module ``mmcv._ext``, which only the full
mmcv build has (about 10 minutes of compiling on 2 cores). LinkNet uses
none of those ops. With the pure-Python ``mmcv-lite``, the stand-in takes
the place of ``mmcv._ext``: its every function raises
:class:`MissingMmcvOpError` naming the op and how to get the full build;
everything LinkNet uses imports and runs.

The finder of :mod:`linknet_mm_mmcv_hook` makes it when ``mmcv._ext`` is
imported and no compiled one exists. Like that module, this one lives
outside the ``linknet_mm`` package, which imports mmseg, which imports
``mmcv._ext``.
"""
import importlib.util
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Callable, NoReturn

from linknet_mm_mmcv_hook import NAME

#: How to get the real ops, in every error.
FULL_BUILD = ('install the full mmcv build: LINKNET_MMCV=full bash '
              'tools/setup_env.sh (compiles mmcv 2.1.0, about 10 minutes on '
              '2 cores)')
#: Functions of ``mmcv._ext`` that describe the build rather than compute:
#: the stand-in answers them, so that ``mmcv.utils.collect_env`` works.
BUILD_INFO = {
    'get_compiler_version': 'n/a (mmcv-lite)',
    'get_compiling_cuda_version': 'n/a (mmcv-lite)',
}


class MissingMmcvOpError(RuntimeError):
    """A compiled mmcv op was called on mmcv-lite."""


def _missing(op: str) -> Callable[..., NoReturn]:
    """A function that raises :class:`MissingMmcvOpError` for ``op``."""

    def op_stand_in(*args, **kwargs):
        raise MissingMmcvOpError(
            f'mmcv op {op!r} is compiled code that mmcv-lite does not have '
            f'(LinkNet does not use it); to run it, {FULL_BUILD}')

    op_stand_in.__name__ = op
    return op_stand_in


def _build_info(op: str) -> Callable[[], str]:
    """A function that answers :data:`BUILD_INFO` for ``op``."""

    def info() -> str:
        return BUILD_INFO[op]

    info.__name__ = op
    return info


def _op(op: str) -> Callable:
    """The stand-in's attribute ``op`` (a module ``__getattr__``)."""
    if op.startswith('__'):
        raise AttributeError(op)
    return _build_info(op) if op in BUILD_INFO else _missing(op)


def make_stand_in(module: ModuleType) -> None:
    """Make ``module`` the stand-in ``mmcv._ext``.

    Any attribute but dunders is a missing op (mmcv's ext_loader checks
    them with ``hasattr``). Its spec has no loader, so
    ``pkgutil.find_loader('mmcv._ext')`` (what mmengine's
    ``mmcv_full_available`` asks) answers None: not full mmcv.

    Args:
        module (ModuleType): A new module named ``mmcv._ext``.
    """
    module.__doc__ = 'Stand-in for mmcv-lite: ' + FULL_BUILD
    module.__spec__ = ModuleSpec(NAME, loader=None)
    module.__loader__ = None
    module.__getattr__ = _op


def compiled_ops_available() -> bool:
    """Whether the real, compiled ``mmcv._ext`` (full mmcv) is installed.

    A compiled module's spec has a location (its file); the stand-in's,
    before or after its import, has none. Imports ``mmcv``.
    """
    try:
        spec = importlib.util.find_spec(NAME)
    except ModuleNotFoundError:  # no mmcv at all
        return False
    return spec is not None and spec.has_location
