"""The start-up hook's finder of the stand-in for mmcv._ext, and
``import linknet_mm`` installing it."""
import importlib
import importlib.machinery
import os
import pkgutil
import subprocess
import sys
import sysconfig

import pytest

import linknet_mm_mmcv_hook as hook
from conftest import REPO
from linknet_mm_mmcv_hook import NAME, StandInFinder
from linknet_mm_mmcv_stand_in import MissingMmcvOpError, \
    compiled_ops_available

FULL_MMCV = compiled_ops_available()
#: A fake compiled ``mmcv._ext``.
FAKE_EXT = "def nms(*args):\n    return 'compiled'\n"


def run_python(code: str, *args, flags=(), env=None, cwd) -> str:
    """Run ``code`` in a fresh interpreter of this environment.

    Returns:
        str: The last line it printed.
    """
    proc = subprocess.run(
        [sys.executable, *flags, '-c', code, *map(str, args)],
        cwd=cwd,
        env=dict(os.environ, OMP_NUM_THREADS='1', **(env or {})),
        capture_output=True,
        text=True,
        timeout=300)
    assert proc.returncode == 0, f'{code}\nfailed:\n{proc.stderr[-3000:]}'
    return proc.stdout.splitlines()[-1]


@pytest.mark.parametrize('name', [
    'mmcv', 'mmcv.ops', 'mmcv._ext_other', 'mmcv._ext.sub', '_ext', 'json',
    'linknet_mm', 'mmcv_ext'
])
def test_the_finder_answers_no_other_name(name):
    assert StandInFinder.find_spec(name) is None
    assert StandInFinder.find_spec(name, ['/anywhere']) is None


def test_the_finder_answers_mmcv_ext_without_a_location():
    spec = StandInFinder.find_spec(NAME, ['/mmcv'])
    assert spec.name == NAME and spec.loader is StandInFinder
    assert not spec.has_location  # a compiled module's spec has one


def test_install_appends_the_finder_once_after_python_path_finder(monkeypatch):
    monkeypatch.setattr(sys, 'meta_path',
                        [f for f in sys.meta_path if f is not StandInFinder])
    hook.install()
    hook.install()
    assert sys.meta_path[-1] is StandInFinder
    assert sys.meta_path.count(StandInFinder) == 1
    assert sys.meta_path.index(importlib.machinery.PathFinder) < \
        sys.meta_path.index(StandInFinder)


@pytest.mark.skipif(FULL_MMCV, reason='needs mmcv-lite')
def test_importing_mmcv_ext_makes_the_stand_in(monkeypatch):
    import mmcv
    monkeypatch.delitem(sys.modules, NAME)
    monkeypatch.delattr(mmcv, '_ext', raising=False)
    hook.install()
    module = importlib.import_module(NAME)
    assert sys.modules[NAME] is module and mmcv._ext is module
    assert module.__spec__.loader is None and module.__loader__ is None
    assert pkgutil.find_loader(NAME) is None
    with pytest.raises(MissingMmcvOpError, match="'nms'"):
        module.nms(None, None, 0.5)


@pytest.mark.skipif(FULL_MMCV, reason='adds a fake to mmcv-lite')
def test_a_compiled_mmcv_ext_wins_over_the_stand_in(tmp_path, monkeypatch):
    import mmcv
    (tmp_path / '_ext.py').write_text(FAKE_EXT)
    # where Python looks for the compiled module: mmcv's __path__
    monkeypatch.setattr(mmcv, '__path__', [*mmcv.__path__, str(tmp_path)])
    monkeypatch.delitem(sys.modules, NAME)
    monkeypatch.delattr(mmcv, '_ext', raising=False)
    hook.install()
    module = importlib.import_module(NAME)
    assert module.__file__ == str(tmp_path / '_ext.py')
    assert module.nms() == 'compiled'
    assert compiled_ops_available()
    assert pkgutil.find_loader(NAME) is not None


@pytest.mark.skipif(FULL_MMCV, reason='needs mmcv-lite')
def test_without_the_startup_file_import_linknet_mm_first(tmp_path):
    # -S: site-packages and its start-up files are not read (as with
    # PYTHONPATH use); the packages come through PYTHONPATH
    env = {
        'PYTHONPATH':
        os.pathsep.join([sysconfig.get_paths()['purelib'],
                         str(REPO)])
    }
    hooked = "import sys; print('linknet_mm_mmcv_hook' in sys.modules)"
    assert run_python(hooked, flags=['-S'], env=env, cwd=tmp_path) == 'False'
    code = ('import sys, linknet_mm, mmseg.models; '
            "print(sys.modules['mmcv._ext'].__doc__.split(':')[0])")
    assert run_python(code, flags=['-S'], env=env, cwd=tmp_path) == \
        'Stand-in for mmcv-lite'
