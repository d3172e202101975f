"""The stand-in for mmcv's compiled ops on mmcv-lite."""
import pkgutil
import sys
from types import ModuleType

import pytest

import linknet_mm_mmcv_stand_in as stand_in
from linknet_mm_mmcv_hook import NAME

FULL_MMCV = stand_in.compiled_ops_available()


def new_stand_in() -> ModuleType:
    """A stand-in ``mmcv._ext``, not imported."""
    module = ModuleType(NAME)
    stand_in.make_stand_in(module)
    return module


def test_a_missing_op_names_itself_and_the_full_build():
    module = new_stand_in()
    with pytest.raises(stand_in.MissingMmcvOpError) as error:
        module.nms(None, None, 0.5)
    assert "mmcv op 'nms'" in str(error.value)
    assert 'LINKNET_MMCV=full' in str(error.value)
    # mmcv's ext_loader checks the functions with hasattr
    assert hasattr(module, 'sigmoid_focal_loss_forward')
    assert not hasattr(module, '__file__')


def test_the_build_description_is_answered():
    module = new_stand_in()
    assert module.get_compiler_version() == 'n/a (mmcv-lite)'
    assert module.get_compiling_cuda_version() == 'n/a (mmcv-lite)'


@pytest.mark.skipif(FULL_MMCV, reason='needs mmcv-lite')
def test_mmcv_collect_env_works_with_the_stand_in():
    from mmcv.utils import collect_env
    env = collect_env()
    assert env['MMCV Compiler'] == 'n/a (mmcv-lite)'
    assert env['MMCV CUDA Compiler'] == 'n/a (mmcv-lite)'


def test_mmengine_sees_no_full_mmcv_with_the_stand_in(monkeypatch):
    from mmengine.utils.dl_utils import mmcv_full_available
    monkeypatch.setitem(sys.modules, NAME, new_stand_in())
    assert pkgutil.find_loader(NAME) is None
    assert not mmcv_full_available()
    assert not stand_in.compiled_ops_available()


@pytest.mark.skipif(not FULL_MMCV, reason='needs the full mmcv build')
def test_the_real_compiled_ops_are_imported_with_full_mmcv():
    import mmcv._ext  # noqa: F401
    assert sys.modules[NAME].__spec__.has_location
    assert pkgutil.find_loader(NAME) is not None
