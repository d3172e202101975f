"""Choosing a precision per CPU from recorded parity checks."""
import json

import pytest

from linknet_mm.deploy.parity_record import (cpu_key, precision_files,
                                             read_parity, write_parity)
from linknet_mm.deploy.precision import choose_precision, resolve_precision
from linknet_mm.errors import PrecisionError
from linknet_mm.utils import file_sha256

BF16_CPU = frozenset({'avx2', 'avx512f', 'avx512_vnni', 'avx512_bf16'})
PLAIN_CPU = frozenset({'avx2'})
CPU = 'Test CPU 9000'


def _row(ms, ok=True):
    verdict = 'accepted' if ok else f'refused at {ms} ms'
    return dict(ms_per_image=ms, ok=ok, verdict=verdict)


@pytest.fixture
def checkpoint(tmp_path):
    path = tmp_path / 'best.pth'
    path.write_bytes(b'weights')
    return str(path)


def _record(checkpoint, flags, **rows):
    int8 = precision_files(checkpoint)['int8']
    with open(int8, 'wb') as f:
        f.write(b'int8 model')
    check = dict(check_dir='x', int8_sha256=file_sha256(int8))
    return write_parity(checkpoint, rows, check, cpu_key(flags, CPU))


def test_auto_without_a_check_is_fp32(checkpoint):
    precision, why = choose_precision(checkpoint, BF16_CPU, CPU)
    assert precision == 'fp32'
    assert 'tools/deployment/quantize.py' in why
    assert choose_precision(None, BF16_CPU, CPU)[0] == 'fp32'


def test_auto_takes_the_fastest_that_passed(checkpoint):
    _record(checkpoint, BF16_CPU, fp32=_row(40), bf16=_row(20), int8=_row(12))
    assert choose_precision(checkpoint, BF16_CPU, CPU)[0] == 'int8'
    _record(
        checkpoint,
        BF16_CPU,
        fp32=_row(40),
        bf16=_row(20),
        int8=_row(12, ok=False))
    assert choose_precision(checkpoint, BF16_CPU, CPU)[0] == 'bf16'
    assert len(read_parity(precision_files(checkpoint)['parity'])) == 1


def test_auto_falls_back_to_fp32_when_nothing_passes(checkpoint):
    _record(
        checkpoint,
        BF16_CPU,
        fp32=_row(40),
        bf16=_row(20, ok=False),
        int8=_row(12, ok=False))
    precision, why = choose_precision(checkpoint, BF16_CPU, CPU)
    assert precision == 'fp32'
    assert why == ('no other precision passed the parity check; '
                   'refused at 20 ms; refused at 12 ms')


def test_auto_names_a_faster_precision_it_refused(checkpoint):
    _record(
        checkpoint,
        BF16_CPU,
        fp32=_row(40),
        bf16=_row(20),
        int8=_row(12, ok=False))
    precision, why = choose_precision(checkpoint, BF16_CPU, CPU)
    assert precision == 'bf16' and why.endswith('; refused at 12 ms')
    # a record written before verdict lines: chosen all the same
    _record(
        checkpoint,
        BF16_CPU,
        fp32=dict(ms_per_image=40, ok=True, failed=[]),
        int8=dict(ms_per_image=12, ok=False, failed=['argmax agreement']))
    chosen = choose_precision(checkpoint, BF16_CPU, CPU)
    assert chosen == ('fp32', 'no other precision passed the parity check')


def test_auto_is_never_slower_than_fp32(checkpoint):
    _record(checkpoint, BF16_CPU, fp32=_row(10), bf16=_row(20), int8=_row(15))
    assert choose_precision(checkpoint, BF16_CPU, CPU)[0] == 'fp32'


def test_a_check_on_another_cpu_does_not_count(checkpoint):
    _record(checkpoint, BF16_CPU, fp32=_row(40), int8=_row(12))
    assert choose_precision(checkpoint, PLAIN_CPU, CPU)[0] == 'fp32'
    assert choose_precision(checkpoint, BF16_CPU, 'Other CPU')[0] == 'fp32'
    # two CPUs' entries live side by side
    _record(checkpoint, PLAIN_CPU, fp32=_row(40), int8=_row(30))
    assert choose_precision(checkpoint, PLAIN_CPU, CPU)[0] == 'int8'
    assert choose_precision(checkpoint, BF16_CPU, CPU)[0] == 'int8'
    assert len(read_parity(precision_files(checkpoint)['parity'])) == 2


def test_a_changed_checkpoint_or_int8_file_is_not_trusted(checkpoint):
    _record(checkpoint, BF16_CPU, fp32=_row(40), int8=_row(12))
    with open(precision_files(checkpoint)['int8'], 'ab') as f:
        f.write(b'changed')
    assert choose_precision(checkpoint, BF16_CPU, CPU)[0] == 'fp32'
    _record(checkpoint, BF16_CPU, fp32=_row(40), int8=_row(12))
    with open(checkpoint, 'ab') as f:
        f.write(b'retrained')
    assert choose_precision(checkpoint, BF16_CPU, CPU)[0] == 'fp32'


def test_bf16_is_not_chosen_where_the_cpu_lacks_it(checkpoint):
    # a parity file copied from a bf16 machine, read on one without bf16
    _record(checkpoint, PLAIN_CPU, fp32=_row(40), bf16=_row(20))
    assert choose_precision(checkpoint, PLAIN_CPU, CPU)[0] == 'fp32'


def test_bf16_on_a_cpu_without_it_names_the_reason():
    with pytest.raises(PrecisionError, match='avx512_bf16, amx_bf16'):
        resolve_precision('bf16', None, PLAIN_CPU)
    assert resolve_precision('bf16', None, BF16_CPU) == 'bf16'


def test_int8_without_its_file_says_how_to_make_it(checkpoint):
    with pytest.raises(PrecisionError, match='tools/deployment/quantize.py'):
        resolve_precision('int8', checkpoint, BF16_CPU)
    with pytest.raises(PrecisionError, match='needs a checkpoint'):
        resolve_precision('int8', None, BF16_CPU)


def test_unknown_precision_and_broken_file_are_errors(checkpoint):
    with pytest.raises(PrecisionError, match="got 'fp16'"):
        resolve_precision('fp16', checkpoint, BF16_CPU)
    path = precision_files(checkpoint)['parity']
    with open(path, 'w') as f:
        json.dump(dict(something='else'), f)
    with pytest.raises(PrecisionError, match='not a parity file'):
        choose_precision(checkpoint, BF16_CPU, CPU)
