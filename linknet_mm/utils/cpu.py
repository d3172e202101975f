"""What CPU this is: model name and the instruction sets speed depends on.

Every speed figure the tools print carries this line: the machines this
project runs on differ (e.g. AMD EPYC with AVX-512 and BF16, Intel Xeon
with AMX), and figures from different CPUs do not compare.
"""
import os
import platform
from typing import Dict, FrozenSet, List, Optional

#: Instruction sets that change how fast convolutions run, in print order.
SPEED_FLAGS = ('avx2', 'avx512f', 'avx512_vnni', 'avx512_bf16', 'amx_tile',
               'amx_bf16', 'amx_int8')


def read_cpuinfo(path: str = '/proc/cpuinfo') -> Dict[str, str]:
    """The first processor's entries of ``/proc/cpuinfo``.

    Args:
        path (str): The file. Defaults to '/proc/cpuinfo'.

    Returns:
        dict[str, str]: E.g. ``{'model name': ..., 'flags': ...}``; empty
        where the file does not exist (not Linux).
    """
    if not os.path.exists(path):
        return {}
    info: Dict[str, str] = {}
    with open(path) as f:
        for line in f:
            if not line.strip():
                if info:
                    break
                continue
            key, _, value = line.partition(':')
            info.setdefault(key.strip(), value.strip())
    return info


def cpu_model(info: Optional[Dict[str, str]] = None) -> str:
    """The CPU's model name.

    Args:
        info (dict, optional): From :func:`read_cpuinfo`; read when None.

    Returns:
        str: E.g. 'AMD EPYC', or what :mod:`platform` knows.
    """
    info = read_cpuinfo() if info is None else info
    return (info.get('model name') or platform.processor()
            or platform.machine())


def cpu_flags(info: Optional[Dict[str, str]] = None) -> FrozenSet[str]:
    """The CPU's feature flags, as Linux names them.

    Args:
        info (dict, optional): From :func:`read_cpuinfo`; read when None.

    Returns:
        frozenset[str]: E.g. ``{'avx2', 'avx512f', 'avx512_bf16', ...}``.
    """
    info = read_cpuinfo() if info is None else info
    return frozenset(info.get('flags', '').split())


def cpu_summary(info: Optional[Dict[str, str]] = None) -> str:
    """One line for beside a speed figure: model, cores, speed flags.

    Args:
        info (dict, optional): From :func:`read_cpuinfo`; read when None.

    Returns:
        str: E.g. 'AMD EPYC, 2 cores; avx2 avx512f avx512_vnni
        avx512_bf16; no amx_tile amx_bf16 amx_int8'.
    """
    info = read_cpuinfo() if info is None else info
    has = speed_flags(cpu_flags(info))
    lacks = [f for f in SPEED_FLAGS if f not in has]
    cores = len(os.sched_getaffinity(0)) if hasattr(
        os, 'sched_getaffinity') else os.cpu_count()
    plural = '' if cores == 1 else 's'
    text = f'{cpu_model(info)}, {cores} core{plural}; {" ".join(has) or "-"}'
    return text + (f'; no {" ".join(lacks)}' if lacks else '')


#: Flags of native bfloat16 arithmetic (AVX512-BF16 dot products, AMX tiles).
BF16_FLAGS = ('avx512_bf16', 'amx_bf16')
#: Flags of 8-bit integer dot products (VNNI; AMX tiles).
INT8_FLAGS = ('avx512_vnni', 'avx_vnni', 'amx_int8')


def native_bf16(flags: Optional[FrozenSet[str]] = None) -> bool:
    """Whether the CPU computes bfloat16 natively (not by emulation).

    Without AVX512-BF16 or AMX-BF16, oneDNN converts bfloat16 to fp32 and
    back around every operation, which is slower than fp32 itself.

    Args:
        flags (frozenset[str], optional): From :func:`cpu_flags`; read when
            None.

    Returns:
        bool: True if any of :data:`BF16_FLAGS` is present.
    """
    flags = cpu_flags() if flags is None else flags
    return any(flag in flags for flag in BF16_FLAGS)


def int8_dot_product(flags: Optional[FrozenSet[str]] = None) -> bool:
    """Whether the CPU has 8-bit integer dot products (VNNI or AMX-INT8).

    Without them INT8 convolutions still run (AVX2 multiplies pairs into
    16 bits, which can saturate), usually with a smaller gain; the parity
    check measures both accuracy and speed either way.

    Args:
        flags (frozenset[str], optional): From :func:`cpu_flags`; read when
            None.

    Returns:
        bool: True if any of :data:`INT8_FLAGS` is present.
    """
    flags = cpu_flags() if flags is None else flags
    return any(flag in flags for flag in INT8_FLAGS)


def speed_flags(flags: Optional[FrozenSet[str]] = None) -> List[str]:
    """The :data:`SPEED_FLAGS` the CPU has, in their order.

    Args:
        flags (frozenset[str], optional): From :func:`cpu_flags`; read when
            None.

    Returns:
        list[str]: E.g. ``['avx2', 'avx512f', 'avx512_vnni']``.
    """
    flags = cpu_flags() if flags is None else flags
    return [flag for flag in SPEED_FLAGS if flag in flags]
