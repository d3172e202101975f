"""File helpers: content hashes."""
import hashlib


def file_sha256(path: str) -> str:
    """SHA-256 of a file's content, in hex (:func:`hashlib.file_digest`).

    Args:
        path (str): The file.

    Returns:
        str: Its 64-character hex digest.
    """
    with open(path, 'rb') as file:
        return hashlib.file_digest(file, 'sha256').hexdigest()
