"""The start-up hook: its finder, and the start-up file pip installs with
linknet_mm, with which mmseg's own first lines work on mmcv-lite in
interpreters that never import linknet_mm (fresh ones, in subprocesses)."""
import importlib
import importlib.machinery
import json
import os
import pkgutil
import site
import subprocess
import sys
import sysconfig
from importlib.metadata import Distribution, distributions
from pathlib import Path
from typing import Optional

import cv2
import numpy as np
import pytest

import linknet_mm_mmcv_hook as hook
from conftest import REPO, STARTUP_FILE, STARTUP_LINE, TINY
from linknet_mm_mmcv_hook import NAME, StandInFinder
from linknet_mm_mmcv_stand_in import MissingMmcvOpError, \
    compiled_ops_available

FULL_MMCV = compiled_ops_available()
#: A fake compiled ``mmcv._ext``.
FAKE_EXT = "def nms(*args):\n    return 'compiled'\n"
#: Runs mmseg's first lines (its README's): imports mmseg.apis, reports what
#: that imported, then segments an image with MMSegInferencer.
MMSEG_FIRST_LINES = '''
import json, sys
import numpy as np
from mmengine.utils.dl_utils import mmcv_full_available
from mmseg.apis import MMSegInferencer
imported = {
    'linknet_mm': 'linknet_mm' in sys.modules,
    'ext': sys.modules['mmcv._ext'].__doc__.split(':')[0],
    'full': mmcv_full_available(),
    'finders': [getattr(f, '__name__', '') for f in sys.meta_path]}
config, weights, image, out = sys.argv[1:]
result = MMSegInferencer(model=config, weights=weights)(image)
np.save(out, result['predictions'])
print(json.dumps(imported))
'''


def installed_distribution() -> Optional[Distribution]:
    """linknet_mm as pip installed it into site-packages, if it did.

    Only site-packages is searched: the ``linknet_mm.egg-info`` that an
    editable install leaves in the repository is no install.
    """
    return next(
        iter(distributions(name='linknet_mm', path=site.getsitepackages())),
        None)


installed = pytest.mark.skipif(
    installed_distribution() is None,
    reason='linknet_mm is not installed with pip here (no start-up file)')


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


@installed
def test_the_startup_file_is_installed_and_recorded():
    recorded = [
        file for file in installed_distribution().files
        if file.name == STARTUP_FILE
    ]
    # pip uninstall removes what RECORD lists
    assert len(recorded) == 1, f'{STARTUP_FILE} is not in RECORD'
    path = Path(recorded[0].locate()).resolve()
    assert path.read_text() == STARTUP_LINE
    assert path.parent in {Path(d).resolve() for d in site.getsitepackages()}


@installed
def test_startup_imports_the_hook_module_and_nothing_else(tmp_path):
    proc = subprocess.run([sys.executable, '-X', 'importtime', '-c', 'pass'],
                          cwd=tmp_path,
                          capture_output=True,
                          text=True,
                          check=True)
    names = [line.rpartition('|')[2] for line in proc.stderr.splitlines()]
    ours = [n.strip() for n in names].index('linknet_mm_mmcv_hook')
    depth = len(names[ours]) - len(names[ours].lstrip())
    before = names[ours - 1]
    # -X importtime prints what a module imports just before it, deeper
    assert len(before) - len(before.lstrip()) <= depth, before
    assert not {'linknet_mm', 'linknet_mm_mmcv_stand_in', 'mmcv'
                } & {n.strip()
                     for n in names}


@installed
@pytest.mark.slow  # loads a model in a new interpreter
def test_mmseg_first_lines_work_without_linknet_mm(tmp_path, tiny_checkpoint):
    from mmseg.apis import inference_model, init_model
    image = tmp_path / 'image.png'
    cv2.imwrite(
        str(image),
        np.random.RandomState(0).randint(0, 256, (96, 160, 3), np.uint8))
    imported = json.loads(
        run_python(
            MMSEG_FIRST_LINES,
            TINY,
            tiny_checkpoint,
            image,
            tmp_path / 'pred.npy',
            cwd=tmp_path))
    assert not imported['linknet_mm']
    if not FULL_MMCV:
        assert imported['ext'] == 'Stand-in for mmcv-lite'
    assert imported['full'] is FULL_MMCV
    finders = imported['finders']
    assert finders[-1] == 'StandInFinder'
    assert finders.index('PathFinder') < finders.index('StandInFinder')
    # the config's custom_imports brought linknet_mm in for the model
    theirs = np.load(tmp_path / 'pred.npy')
    model = init_model(str(TINY), str(tiny_checkpoint), device='cpu')
    ours = inference_model(model, str(image)).pred_sem_seg.data[0].numpy()
    assert theirs.shape == (96, 160)
    np.testing.assert_array_equal(theirs, ours)


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
