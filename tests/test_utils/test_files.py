"""utils.files: the content hash of a file."""
import hashlib

from linknet_mm.utils.files import file_sha256


def test_file_sha256(tmp_path):
    content = bytes(range(256)) * 3
    path = tmp_path / 'blob.bin'
    path.write_bytes(content)
    assert file_sha256(str(path)) == hashlib.sha256(content).hexdigest()


def test_file_sha256_of_an_empty_file(tmp_path):
    path = tmp_path / 'empty'
    path.write_bytes(b'')
    assert file_sha256(str(path)) == (
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
