"""Errors of the dataset classes."""


class DatasetNotFoundError(FileNotFoundError):
    """A dataset folder is missing or empty.

    The message says which path was looked at, where to download the
    dataset and where to put it. ``tools/train.py`` and ``tools/test.py``
    print it without a traceback.
    """
