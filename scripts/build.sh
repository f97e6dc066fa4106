#!/usr/bin/env bash
# Configures (once) and builds dps into build/ (or $DPS_BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${DPS_BUILD_DIR:-build}
if [[ ! -f $build/build.ninja ]]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release ${DPS_CMAKE_ARGS:-}
fi
ninja -C "$build"
