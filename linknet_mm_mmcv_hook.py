"""The start-up hook that lets mmseg import on mmcv-lite.

pip installs ``linknet_mm_mmcv_hook.pth`` into site-packages with
linknet_mm, and ``site`` runs its line at every interpreter start:
``import linknet_mm_mmcv_hook; linknet_mm_mmcv_hook.install()``.
``import linknet_mm`` calls :func:`install` too, for set-ups without the
file (``PYTHONPATH``, ``python -S`` or ``-I``).

:class:`StandInFinder` answers for the name ``mmcv._ext`` only, and sits
at the end of ``sys.meta_path``: Python asks it only after its own path
finder found no ``mmcv._ext``, so full mmcv's compiled ops are imported as
usual. On mmcv-lite it makes the stand-in of
:mod:`linknet_mm_mmcv_stand_in` when ``mmcv._ext`` is imported.

This module is tiny and imports nothing but :mod:`sys` (it runs at every
start-up), and lives outside the ``linknet_mm`` package, which imports
mmseg, which imports ``mmcv._ext``.
"""
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # importing typing would cost start-up time
    from importlib.machinery import ModuleSpec
    from types import ModuleType
    from typing import Optional, Sequence

NAME = 'mmcv._ext'


class StandInFinder:
    """Finds and loads the stand-in, for the name ``mmcv._ext`` only.

    Used as a class, as Python's own ``PathFinder`` is.
    """

    @classmethod
    def find_spec(
            cls,
            fullname: str,
            path: 'Optional[Sequence[str]]' = None,
            target: 'Optional[ModuleType]' = None) -> 'Optional[ModuleSpec]':
        """A spec of the stand-in for ``mmcv._ext``, None for other names.

        Args:
            fullname (str): The module being imported.
            path (Sequence[str], optional): The parent package's
                ``__path__``. Unused.
            target (ModuleType, optional): The module being reloaded.
                Unused.

        Returns:
            ModuleSpec | None: With this class as the loader and no
            location (a compiled module's spec has one).
        """
        if fullname != NAME:
            return None
        from importlib.machinery import ModuleSpec
        return ModuleSpec(NAME, cls)

    @staticmethod
    def create_module(spec: 'ModuleSpec') -> None:
        """Let the import system create a plain module."""

    @staticmethod
    def exec_module(module: 'ModuleType') -> None:
        """Make ``module`` the stand-in."""
        from linknet_mm_mmcv_stand_in import make_stand_in
        make_stand_in(module)


def install() -> None:
    """Append :class:`StandInFinder` to ``sys.meta_path``, once."""
    if StandInFinder not in sys.meta_path:
        sys.meta_path.append(StandInFinder)
