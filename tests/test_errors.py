"""linknet_mm.errors: one base class, built-in bases kept, one limit."""
import pytest
import torch

from linknet_mm import errors
from linknet_mm.errors import MAX_LISTED, LinkNetError, shorten


@pytest.mark.parametrize('error, builtin', [
    (errors.ConfigError, ValueError),
    (errors.DatasetNotFoundError, FileNotFoundError),
    (errors.CheckpointMismatchError, ValueError),
    (errors.ImageReadError, ValueError),
    (errors.InputError, ValueError),
])
def test_every_error_has_the_base_and_its_builtin(error, builtin):
    with pytest.raises(LinkNetError, match='named file'):
        raise error('named file')
    assert issubclass(error, builtin)


def test_the_backend_error_names_the_backend():
    error = errors.BackendMismatchError('ONNX Runtime',
                                        "'x.onnx' outputs 5 classes")
    assert str(error) == "ONNX Runtime: 'x.onnx' outputs 5 classes"
    assert error.backend == 'ONNX Runtime'
    assert isinstance(error, LinkNetError) and isinstance(error, ValueError)


def test_the_packages_raise_the_same_classes():
    from linknet_mm import engine, utils
    assert engine.CheckpointMismatchError is errors.CheckpointMismatchError
    assert utils.ConfigError is errors.ConfigError


def test_shorten():
    names = [str(i) for i in range(MAX_LISTED + 3)]
    assert shorten(names).endswith("] and 3 more")
    assert shorten(names[:2]) == "['0', '1']"
    assert shorten(names, limit=1) == f"['0'] and {len(names) - 1} more"


class _Broken(torch.utils.data.Dataset):

    def __len__(self):
        return 1

    def __getitem__(self, idx):
        raise errors.InputError('data/x/17.jpg: expected a composite')


def test_error_line_unwraps_a_dataloader_worker_traceback():
    loader = torch.utils.data.DataLoader(_Broken(), num_workers=1)
    with pytest.raises(errors.InputError) as caught:
        next(iter(loader))
    assert 'Original Traceback' in str(caught.value)
    assert errors.error_line(caught.value) == \
        'data/x/17.jpg: expected a composite'


def test_error_line_keeps_a_plain_message():
    assert errors.error_line(errors.InputError('Caught it: a.jpg')) == \
        'Caught it: a.jpg'
