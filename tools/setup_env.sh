#!/usr/bin/env bash
# Create or refresh the virtual environment at <repo>/.venv with the pinned
# OpenMMLab stack and linknet_mm installed in editable mode.
#
# Idempotent: when nothing in requirements/ or setup.py changed since the
# last successful run it returns at once; otherwise pip re-checks the pins
# and reuses its wheel cache (the ~11 minute mmcv build happens once).
#
# Environment:
#   PYTHON         interpreter that creates the venv (default: python3)
#   LINKNET_VENV   where the venv lives (default: <repo>/.venv)
#   MAX_JOBS       parallel compile jobs for the mmcv build (default: nproc)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=${LINKNET_VENV:-$root/.venv}
python=${PYTHON:-python3}
stamp=$venv/.linknet_mm-setup

fingerprint=$(cat "$root"/requirements/*.txt "$root/setup.py" | sha256sum)
if [[ -f $stamp && $(cat "$stamp") == "$fingerprint" ]] \
    && "$venv/bin/python" -c 'import linknet_mm' 2>/dev/null; then
    exit 0
fi

if [[ ! -x $venv/bin/python ]]; then
    echo "[setup] creating virtual environment at $venv"
    "$python" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip --disable-pip-version-check)

echo "[setup] build prerequisites (torch first: mmcv compiles against it)"
"${pip[@]}" install -r "$root/requirements/build.txt"

echo "[setup] mmcv with compiled ops (first time: ~11 min on 2 cores;" \
     "later runs reuse pip's wheel cache)"
MAX_JOBS=${MAX_JOBS:-$(nproc)} \
    "${pip[@]}" install --no-build-isolation -r "$root/requirements/mmcv.txt"

echo "[setup] runtime and test requirements, linknet_mm (editable)"
"${pip[@]}" install -r "$root/requirements/runtime.txt" \
    -r "$root/requirements/tests.txt"
"${pip[@]}" install --no-build-isolation --no-deps -e "$root"

"$venv/bin/python" -c 'import linknet_mm, mmseg, mmcv.ops' \
    || { echo "[setup] the environment at $venv does not import" >&2; exit 1; }
echo "$fingerprint" > "$stamp"
echo "[setup] ready: $venv"
