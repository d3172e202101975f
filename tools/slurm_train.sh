#!/usr/bin/env bash
# Training on a slurm cluster:
#   GPUS=8 bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG [ARGS]
# GPUS (tasks in all), GPUS_PER_NODE, CPUS_PER_TASK and SRUN_ARGS as in
# mmseg; GPUS_PER_NODE=0 runs CPU-only tasks (gloo).
set -euo pipefail
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
GPUS=${GPUS:-4}
GPUS_PER_NODE=${GPUS_PER_NODE:-4}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
SRUN_ARGS=${SRUN_ARGS:-""}
PYTHON=${PYTHON:-$(command -v python)}
GRES=()
if [[ $GPUS_PER_NODE -gt 0 ]]; then
    GRES=(--gres=gpu:"$GPUS_PER_NODE" --ntasks-per-node="$GPUS_PER_NODE")
fi
# shellcheck disable=SC2086  # SRUN_ARGS holds several words on purpose
srun -p "$PARTITION" \
    --job-name="$JOB_NAME" \
    --ntasks="$GPUS" \
    "${GRES[@]}" \
    --cpus-per-task="$CPUS_PER_TASK" \
    --kill-on-bad-exit=1 \
    $SRUN_ARGS \
    "$PYTHON" -u "$(dirname "$0")/train.py" "$CONFIG" --launcher=slurm "${@:4}"
