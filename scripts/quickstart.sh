#!/usr/bin/env bash
# Installs what is needed, builds dps, and runs the main job on the default
# model: the MLP example through the compiler, down to LLVM.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${DPS_BUILD_DIR:-build}
scripts/install-deps.sh
scripts/build.sh
for model in examples/mlp.mlir examples/cnn.mlir; do
  echo "== $model: verify, then print the precision ladder and training step"
  "$build/bin/dps-opt" "$model" | grep -E "dps.train_step"
done
