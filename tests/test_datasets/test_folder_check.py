"""The shared folder check: names the folder and says where to download."""
import pytest

from linknet_mm.datasets.folder_check import (check_folders, kaggle_hint,
                                              list_files)
from linknet_mm.errors import DatasetNotFoundError

HINT = kaggle_hint('owner/set', 'unzip it here')


def test_hint_names_the_set_and_its_page():
    assert HINT == ("Download the Kaggle data set 'owner/set' "
                    '(https://www.kaggle.com/datasets/owner/set) and unzip '
                    'it here.')


def test_missing_root_then_missing_folder(tmp_path):
    with pytest.raises(DatasetNotFoundError,
                       match=r'^Set data_root .*nowhere does not exist\. '
                       r"Download the Kaggle data set 'owner/set'"):
        check_folders('Set', str(tmp_path / 'nowhere'), [], HINT)
    with pytest.raises(DatasetNotFoundError,
                       match=r'^Set image folder .*images does not exist'):
        check_folders('Set', str(tmp_path),
                      [('image folder', str(tmp_path / 'images'))], HINT)


def test_list_files_sorted_and_empty_folder_refused(tmp_path):
    for name in ('b.png', 'a.png', 'c.jpg'):
        (tmp_path / name).touch()
    assert list_files('Set', 'folder', str(tmp_path), '.png', HINT) == [
        'a.png', 'b.png'
    ]
    with pytest.raises(DatasetNotFoundError,
                       match=r'^Set folder .* has no \*\.tif files\. Down'):
        list_files('Set', 'folder', str(tmp_path), '.tif', HINT)
