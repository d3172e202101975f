#!/usr/bin/env bash
# Create or refresh the virtual environment at <repo>/.venv with the pinned
# OpenMMLab stack and linknet_mm installed in editable mode.
#
# By default mmcv comes as mmcv-lite: pure Python, nothing to compile
# (LinkNet uses none of mmcv's compiled ops; see
# linknet_mm_mmcv_stand_in.py). LINKNET_MMCV=full builds the full mmcv
# 2.1.0 from source instead (about 10 minutes on 2 cores, once: pip caches
# the wheel), for other mmseg heads or GPU ops. A venv that already has the
# full build keeps it.
#
# Idempotent: when nothing in requirements/ or setup.py changed since the
# last successful run it returns at once.
#
# Environment:
#   PYTHON         interpreter that creates the venv (default: python3)
#   LINKNET_VENV   where the venv lives (default: <repo>/.venv)
#   LINKNET_MMCV   lite (default) or full
#   MAX_JOBS       parallel compile jobs for the full mmcv build (default:
#                  nproc)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=${LINKNET_VENV:-$root/.venv}
python=${PYTHON:-python3}
stamp=$venv/.linknet_mm-setup

# linknet_mm_mmcv_stand_in.compiled_ops_available, read from the checkout
# (linknet_mm may not be installed yet): the stand-in is not the real ops
has_full_mmcv() {
    [[ -x $venv/bin/python ]] && PYTHONPATH="$root" "$venv/bin/python" -c \
        'import sys, linknet_mm_mmcv_stand_in as s
sys.exit(not s.compiled_ops_available())' 2>/dev/null
}
mmcv=${LINKNET_MMCV:-}
if [[ -z $mmcv ]]; then
    if has_full_mmcv; then mmcv=full; else mmcv=lite; fi
fi
if [[ $mmcv != lite && $mmcv != full ]]; then
    echo "[setup] LINKNET_MMCV must be lite or full, got '$mmcv'" >&2
    exit 2
fi

fingerprint=$( (cat "$root"/requirements/*.txt "$root/setup.py"; \
    echo "mmcv=$mmcv") | sha256sum)
if [[ -f $stamp && $(cat "$stamp") == "$fingerprint" ]] \
    && "$venv/bin/python" -c 'import linknet_mm' 2>/dev/null; then
    exit 0
fi

if [[ ! -x $venv/bin/python ]]; then
    echo "[setup] creating virtual environment at $venv"
    "$python" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip --disable-pip-version-check)

requirements=(-r "$root/requirements/runtime.txt" \
    -r "$root/requirements/tests.txt")
if [[ $mmcv == full ]]; then
    echo "[setup] torch and build prerequisites"
    "${pip[@]}" install -r "$root/requirements/build.txt"
    echo "[setup] mmcv with compiled ops (first time: ~11 min on 2 cores;" \
         "later runs reuse pip's wheel cache)"
    "${pip[@]}" uninstall -y -q mmcv-lite 2>/dev/null || true
    MAX_JOBS=${MAX_JOBS:-$(nproc)} "${pip[@]}" install \
        --no-build-isolation -r "$root/requirements/mmcv.txt"
    echo "[setup] runtime and test requirements, linknet_mm (editable)"
else
    echo "[setup] torch, mmcv-lite (nothing to compile; LINKNET_MMCV=full" \
         "for the compiled ops), runtime and test requirements"
    if has_full_mmcv; then "${pip[@]}" uninstall -y -q mmcv; fi
    # one resolver run for everything
    requirements+=(-r "$root/requirements/build.txt" \
        -r "$root/requirements/mmcv-lite.txt")
fi
"${pip[@]}" install "${requirements[@]}"
"${pip[@]}" install --no-build-isolation --no-deps -e "$root"

# mmseg first: the start-up file installed with linknet_mm is in place
"$venv/bin/python" -c 'import mmseg.models, mmcv.ops, linknet_mm' \
    || { echo "[setup] the environment at $venv does not import" >&2; exit 1; }
echo "$fingerprint" > "$stamp"
echo "[setup] ready: $venv (mmcv: $mmcv)"
