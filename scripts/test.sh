#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test (lit: FileCheck tests,
# JIT integration tests and the runtime's GoogleTest suites). Ends with one
# line `tests: N passed, M failed`; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${DPS_BUILD_DIR:-build}

scripts/install-deps.sh || { echo "tests: 0 passed, 1 failed"; exit 1; }
scripts/build.sh || { echo "build failed"; echo "tests: 0 passed, 1 failed"; exit 1; }

source scripts/lit-suite.sh
run_lit_suite "$build/test"
