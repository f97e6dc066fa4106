#!/usr/bin/env bash
# Installs what is needed, builds dps, and runs the main job on the default
# model. Until dps-train lands, the main job is the compiler's: the MLP and
# CNN examples are compiled to LLVM, their kernel ABI is printed, and the
# MLP's compiled gradient kernel is run and checked.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${DPS_BUILD_DIR:-build}
scripts/install-deps.sh
scripts/build.sh
bin=$build/bin
for model in examples/mlp.mlir examples/cnn.mlir; do
  echo "== $model"
  "$bin/dps-opt" "$model" -dps-lower-to-llvm -o /dev/null
  manifest="$build/$(basename "$model" .mlir).manifest.json"
  "$bin/dps-translate" --dps-to-manifest "$model" -o "$manifest"
  echo "  compiled to LLVM; kernel ABI ($(grep -c '"role"' "$manifest") kernel arguments) in $manifest"
done
echo "== examples/mlp.mlir: the compiled gradient kernel, run"
"$bin/dps-gradcheck" examples/mlp.mlir --rows 100 --checks padding,accumulation
