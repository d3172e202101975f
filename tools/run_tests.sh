#!/usr/bin/env bash
# Set up .venv if needed (see tools/setup_env.sh), then run the test suite,
# one pytest-xdist worker per core (LINKNET_TEST_WORKERS to change it; each
# test file stays on one worker). Extra arguments go to pytest, e.g.
# `bash tools/run_tests.sh -k linknet_head`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/tools/setup_env.sh"
cd "$root"
exec "${LINKNET_VENV:-$root/.venv}/bin/python" -m pytest \
    -n "${LINKNET_TEST_WORKERS:-auto}" --dist loadfile "$@"
