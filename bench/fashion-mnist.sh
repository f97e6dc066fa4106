#!/usr/bin/env bash
# The main job's accuracy and precision figures (issue 7), side by side with
# the full-precision baseline: the MLP for 15 epochs with the default ladder
# and with --ladder f32, seeds 1-3, then the CNN for 10 epochs (seed 1).
# Two runs at a time; about 2.5 min for the six MLP runs on two cores with
# the vectorized kernels (the CNN was not re-timed). Results (metrics JSON, logs, a summary) go to
# $OUT (default bench-out/). BENCH_SKIP_CNN=1 leaves the CNN out.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${DPS_BUILD_DIR:-build}
out=${OUT:-bench-out}
mkdir -p "$out"
train() { # name seed model epochs [flags...]
  local name=$1 seed=$2 model=$3 epochs=$4; shift 4
  "$build/bin/dps-train" "$model" --dataset fashion-mnist --epochs "$epochs" \
    --seed "$seed" --metrics "$out/$name-s$seed.json" "$@" \
    > "$out/$name-s$seed.log" 2>&1
}
(for s in 1 2 3; do train dps "$s" examples/mlp.mlir 15; done) &
(for s in 1 2 3; do train f32 "$s" examples/mlp.mlir 15 --ladder f32; done) &
wait
if [[ -z "${BENCH_SKIP_CNN:-}" ]]; then
  train cnn 1 examples/cnn.mlir 10
fi
python3 bench/summarize.py "$out" | tee "$out/summary.txt"
