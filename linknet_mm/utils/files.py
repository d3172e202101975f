"""File helpers: content hashes."""
import hashlib

#: Bytes read at a time when hashing.
BLOCK = 1 << 20


def file_sha256(path: str) -> str:
    """SHA-256 of a file's content, in hex.

    Args:
        path (str): The file.

    Returns:
        str: Its 64-character hex digest.
    """
    digest = hashlib.sha256()
    with open(path, 'rb') as file:
        for block in iter(lambda: file.read(BLOCK), b''):
            digest.update(block)
    return digest.hexdigest()
