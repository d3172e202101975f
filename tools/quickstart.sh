#!/usr/bin/env bash
# The README's first command: set up .venv if needed (tools/setup_env.sh),
# then generate a small synthetic Cityscapes-pairs dataset, train LinkNet on
# it, evaluate it and draw the predictions (tools/misc/quickstart.py).
#
# Quiet by default: set-up shows its [setup] lines only, with pip's whole
# output kept in <venv>/setup.log (in a temporary file, whose path is
# printed with its last lines, if set-up fails); the steps write their whole
# output to the work dir's logs/. --verbose shows everything as before.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=${LINKNET_VENV:-$root/.venv}

quiet_setup() {
    local log status
    log=$(mktemp "${TMPDIR:-/tmp}/linknet_mm-setup.XXXXXX")
    set +e
    bash "$root/tools/setup_env.sh" 2>&1 | tee "$log" \
        | { grep --line-buffered '^\[setup\]' || true; }
    status=${PIPESTATUS[0]}
    set -e
    if ((status != 0)); then
        {
            echo "[setup] failed (exit status $status); the last 30 lines" \
                 "of its log:"
            tail -n 30 "$log"
            echo "full log: $log"
        } >&2
        exit "$status"
    fi
    if [[ -s $log ]]; then
        mv "$log" "$venv/setup.log"
        echo "[setup] full log: $venv/setup.log"
    else
        rm -f "$log"  # set-up was already done: it said nothing
    fi
}

verbose=0
for arg in "$@"; do
    if [[ $arg == --verbose ]]; then verbose=1; fi
done
if ((verbose)); then
    bash "$root/tools/setup_env.sh"
else
    quiet_setup
fi
cd "$root"
exec "$venv/bin/python" tools/misc/quickstart.py "$@"
