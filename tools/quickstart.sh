#!/usr/bin/env bash
# The README's first command: set up .venv if needed (tools/setup_env.sh),
# then generate data, train, test and draw (tools/misc/quickstart.py).
# Quiet by default: set-up shows its [setup] lines, pip's whole output goes
# to <venv>/setup.log (if set-up fails, to a temporary file, whose path is
# printed with its last lines); --verbose shows everything as it comes.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=${LINKNET_VENV:-$root/.venv}
if [[ " $* " == *" --verbose "* ]]; then
    bash "$root/tools/setup_env.sh"
else
    log=$(mktemp "${TMPDIR:-/tmp}/linknet_mm-setup.XXXXXX")
    status=0
    bash "$root/tools/setup_env.sh" 2>&1 | tee "$log" \
        | { grep --line-buffered '^\[setup\]' || true; } || status=$?
    if ((status != 0)); then
        {
            echo "[setup] failed (exit status $status); the last 30 lines" \
                 "of its log:"
            tail -n 30 "$log"
            echo "full log: $log"
        } >&2
        exit "$status"
    elif [[ -s $log ]]; then
        mv "$log" "$venv/setup.log"
        echo "[setup] full log: $venv/setup.log"
    else
        rm -f "$log"  # set-up was already done: it said nothing
    fi
fi
cd "$root"
exec "$venv/bin/python" tools/misc/quickstart.py "$@"
