"""The stand-in for mmcv's compiled ops on mmcv-lite."""
import importlib.util
import pkgutil
import subprocess
import sys

import pytest

from linknet_mm import mmcv_ops_stand_in as stand_in

FULL_MMCV = stand_in.compiled_ops_available()


def test_a_missing_op_names_itself_and_the_full_build():
    module = stand_in._stand_in_module()
    with pytest.raises(stand_in.MissingMmcvOpError) as error:
        module.nms(None, None, 0.5)
    assert "mmcv op 'nms'" in str(error.value)
    assert 'LINKNET_MMCV=full' in str(error.value)
    # mmcv's ext_loader checks the functions with hasattr
    assert hasattr(module, 'sigmoid_focal_loss_forward')
    assert not hasattr(module, '__file__')


def test_mmengine_sees_no_full_mmcv_with_the_stand_in(monkeypatch):
    monkeypatch.setitem(sys.modules, stand_in.NAME,
                        stand_in._stand_in_module())
    assert pkgutil.find_loader(stand_in.NAME) is None
    assert not stand_in.compiled_ops_available()
    assert stand_in.install_mmcv_ops_stand_in()  # already in place


@pytest.mark.skipif(not FULL_MMCV, reason='needs the full mmcv build')
def test_stand_in_is_not_installed_with_compiled_ops():
    import mmcv._ext  # noqa: F401
    assert not stand_in.install_mmcv_ops_stand_in()
    assert sys.modules[stand_in.NAME].__spec__.loader is not None


@pytest.mark.skipif(FULL_MMCV, reason='needs mmcv-lite')
def test_mmseg_models_import_on_mmcv_lite():
    code = ('import linknet_mm, sys; import mmseg.models, mmcv.ops; '
            "print(type(sys.modules['mmcv._ext']).__name__, "
            "sys.modules['mmcv._ext'].__spec__.loader)")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True,
                         text=True, check=True).stdout
    assert out.split() == ['module', 'None']
    assert importlib.util.find_spec('mmcv') is not None
