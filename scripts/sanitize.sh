#!/usr/bin/env bash
# Builds dps's own code with ASan + UBSan (clang-22, _GLIBCXX_ASSERTIONS) into
# build-asan/ and runs the whole lit suite under it. Debian's LLVM/MLIR
# libraries are not instrumented: allow_user_poisoning=0 stops ASan from
# trusting the poisoning that LLVM's allocators do in headers compiled into
# our code but not into libMLIR. Ends with `tests: N passed, M failed
# (ASan+UBSan)`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if [[ ! -f build-asan/build.ninja ]]; then
  CC=clang-22 CXX=clang++-22 cmake -S . -B build-asan -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDPS_ENABLE_SANITIZERS=ON
fi
ninja -C build-asan
export ASAN_OPTIONS=detect_leaks=0:allow_user_poisoning=0:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
source scripts/lit-suite.sh
run_lit_suite build-asan/test "(ASan+UBSan)"
