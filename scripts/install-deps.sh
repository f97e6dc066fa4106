#!/usr/bin/env bash
# Installs what dps needs on Debian 12 from Debian's packages. Idempotent: a
# package already installed is not fetched again.
set -euo pipefail

packages=(
  cmake ninja-build ccache g++ zlib1g-dev libgtest-dev
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 lld-22
  libomp-22-dev libclang-rt-22-dev dataset-fashion-mnist nlohmann-json3-dev
  libonnx-dev libprotobuf-dev libonnx-testdata python3-onnx python3-torch
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0

sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
