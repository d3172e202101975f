#!/usr/bin/env bash
# The README's first command: set up .venv if needed (tools/setup_env.sh),
# then generate a small synthetic Cityscapes-pairs dataset, train LinkNet on
# it, evaluate it and draw the predictions (tools/misc/quickstart.py).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/tools/setup_env.sh"
cd "$root"
exec "${LINKNET_VENV:-$root/.venv}/bin/python" tools/misc/quickstart.py "$@"
