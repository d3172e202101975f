"""Check a dataset's folders before listing it, with a download hint.

Both datasets of the Kaggle layouts raise the same
:class:`~linknet_mm.errors.DatasetNotFoundError` when data is missing: it
names the folder looked at and says where to download the data set and
how to unpack it.
"""
from typing import List, Optional, Sequence, Tuple

import mmengine.fileio as fileio

from ..errors import DatasetNotFoundError


def kaggle_hint(kaggle_set: str, unpack: str) -> str:
    """Where to download a Kaggle data set and how to unpack it.

    Args:
        kaggle_set (str): ``owner/name`` on Kaggle.
        unpack (str): How to unpack it, e.g. 'unzip it so that ...'.

    Returns:
        str: One sentence.
    """
    return (f'Download the Kaggle data set {kaggle_set!r} '
            f'(https://www.kaggle.com/datasets/{kaggle_set}) and {unpack}.')


def check_folders(title: str,
                  data_root: Optional[str],
                  folders: Sequence[Tuple[str, str]],
                  hint: str,
                  backend_args: Optional[dict] = None) -> None:
    """Raise if ``data_root`` or one of ``folders`` does not exist.

    Args:
        title (str): The dataset, as messages name it.
        data_root (str, optional): The dataset's root, if it has one.
        folders (Sequence[tuple[str, str]]): (what it is, path) pairs, e.g.
            ``('image folder', 'data/x/images')``.
        hint (str): From :func:`kaggle_hint`.
        backend_args (dict, optional): mmengine file backend arguments.
    """
    if data_root is not None and not fileio.isdir(
            data_root, backend_args=backend_args):
        raise DatasetNotFoundError(
            f'{title} data_root {data_root} does not exist. {hint}')
    for what, folder in folders:
        if not fileio.isdir(folder, backend_args=backend_args):
            raise DatasetNotFoundError(
                f'{title} {what} {folder} does not exist. {hint}')


def list_files(title: str,
               what: str,
               folder: str,
               suffix: str,
               hint: str,
               backend_args: Optional[dict] = None) -> List[str]:
    """The names of the files in ``folder`` ending in ``suffix``, sorted.

    Args:
        title (str): The dataset, as messages name it.
        what (str): What the folder is, e.g. 'split folder'.
        folder (str): The folder, not searched recursively.
        suffix (str): E.g. '.png'.
        hint (str): From :func:`kaggle_hint`.
        backend_args (dict, optional): mmengine file backend arguments.

    Returns:
        list[str]: File names; an empty folder is an error.
    """
    names = sorted(
        fileio.list_dir_or_file(
            folder,
            list_dir=False,
            suffix=suffix,
            recursive=False,
            backend_args=backend_args))
    if not names:
        raise DatasetNotFoundError(
            f'{title} {what} {folder} has no *{suffix} files. {hint}')
    return names
