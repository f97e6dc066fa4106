#!/usr/bin/env bash
# Installs what is needed, builds dps, and runs the main job: dps-train
# training the MLP example on Fashion-MNIST (Debian's dataset-fashion-mnist)
# with the ladder f32 > bf16 > f8E4M3FN for 15 epochs (about 12 minutes on
# two cores), writing build/mlp.json (metrics) and build/mlp.svg (plot).
# DPS_EPOCHS=N trains N epochs instead.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${DPS_BUILD_DIR:-build}
scripts/install-deps.sh
scripts/build.sh
"$build/bin/dps-train" examples/mlp.mlir --dataset fashion-mnist \
  --epochs "${DPS_EPOCHS:-15}" --metrics "$build/mlp.json" --plot "$build/mlp.svg"
