"""The parity record beside a checkpoint: files, entries per CPU."""
import json
from pathlib import Path

import pytest

from linknet_mm.deploy.parity_record import (cpu_key, entries_for,
                                             precision_files, read_parity,
                                             write_parity)
from linknet_mm.errors import PrecisionError

CPU_A = cpu_key(frozenset({'avx2', 'avx512_bf16'}), 'CPU A')
CPU_B = cpu_key(frozenset({'avx2'}), 'CPU B')


@pytest.fixture
def checkpoint(tmp_path):
    path = tmp_path / 'best.pth'
    path.write_bytes(b'weights')
    return str(path)


def test_files_sit_beside_the_checkpoint():
    files = precision_files('/w/run/best_Dice.tumor_iter_3000.pth')
    assert files == dict(
        int8='/w/run/best_Dice.tumor_iter_3000.int8.onnx',
        parity='/w/run/best_Dice.tumor_iter_3000.parity.json')


def test_cpu_key_keeps_only_speed_flags():
    key = cpu_key(frozenset({'avx512_bf16', 'fpu', 'sse2'}), 'CPU A')
    assert key == dict(cpu_model='CPU A', cpu_flags=['avx512_bf16'])


def test_an_entry_per_cpu_and_checkpoint(checkpoint):
    assert read_parity(precision_files(checkpoint)['parity']) == []
    write_parity(checkpoint, dict(fp32=dict(ok=True)), dict(n=1), CPU_A)
    write_parity(checkpoint, dict(fp32=dict(ok=True)), dict(n=2), CPU_A)
    path = write_parity(checkpoint, dict(fp32=dict(ok=True)), dict(n=3), CPU_B)
    assert [e['check']['n'] for e in read_parity(path)] == [2, 3]
    assert [e['check']['n'] for e in entries_for(checkpoint, CPU_A)] == [2]
    with open(checkpoint, 'ab') as f:  # another checkpoint, same file name
        f.write(b'retrained')
    assert entries_for(checkpoint, CPU_A) == []
    assert not list(Path(path).parent.glob('*.part'))


def test_a_file_of_another_kind_is_refused(checkpoint):
    path = precision_files(checkpoint)['parity']
    with open(path, 'w') as f:
        json.dump(dict(something='else'), f)
    with pytest.raises(PrecisionError, match='not a parity file'):
        read_parity(path)
