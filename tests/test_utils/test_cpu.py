"""CPU description from /proc/cpuinfo, checked on fake files."""
from linknet_mm.utils.cpu import (cpu_flags, cpu_model, cpu_summary,
                                  int8_dot_product, native_bf16,
                                  read_cpuinfo, speed_flags)

CPUINFO = '''processor\t: 0
model name\t: Intel(R) Xeon(R) Platinum 8480+
flags\t\t: fpu sse avx2 avx512f avx512_vnni avx512_bf16 amx_tile amx_bf16

processor\t: 1
model name\t: second processor, not read
'''


def test_first_processor_is_read(tmp_path):
    path = tmp_path / 'cpuinfo'
    path.write_text(CPUINFO)
    info = read_cpuinfo(str(path))
    assert cpu_model(info) == 'Intel(R) Xeon(R) Platinum 8480+'
    assert {'avx2', 'amx_bf16'} <= cpu_flags(info)
    assert 'amx_int8' not in cpu_flags(info)


def test_summary_names_what_is_there_and_what_is_not(tmp_path):
    path = tmp_path / 'cpuinfo'
    path.write_text(CPUINFO)
    summary = cpu_summary(read_cpuinfo(str(path)))
    assert summary.startswith('Intel(R) Xeon(R) Platinum 8480+, ')
    assert 'avx512_bf16 amx_tile amx_bf16; no amx_int8' in summary


def test_no_cpuinfo_file(tmp_path):
    info = read_cpuinfo(str(tmp_path / 'none'))
    assert info == {} and cpu_flags(info) == frozenset()
    assert cpu_model(info)  # platform's answer, not empty


def test_native_bf16_needs_avx512_bf16_or_amx_bf16():
    assert native_bf16(frozenset({'avx2', 'avx512f', 'avx512_bf16'}))
    assert native_bf16(frozenset({'avx2', 'amx_bf16'}))
    assert not native_bf16(frozenset({'avx2', 'avx512f', 'avx512_vnni'}))
    assert not native_bf16(frozenset())


def test_int8_dot_product_needs_vnni_or_amx_int8():
    assert int8_dot_product(frozenset({'avx2', 'avx_vnni'}))
    assert int8_dot_product(frozenset({'avx512f', 'avx512_vnni'}))
    assert int8_dot_product(frozenset({'amx_int8'}))
    assert not int8_dot_product(frozenset({'avx2', 'avx512f', 'avx512_bf16'}))


def test_speed_flags_keep_print_order():
    flags = frozenset({'amx_tile', 'sse', 'avx2', 'avx512_bf16'})
    assert speed_flags(flags) == ['avx2', 'avx512_bf16', 'amx_tile']
