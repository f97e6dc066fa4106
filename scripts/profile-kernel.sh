#!/usr/bin/env bash
# Where a compiled kernel spends its time, line by line of its loop-level IR.
#
#   scripts/profile-kernel.sh examples/mlp.mlir grad_bf16@43 [OUT]
#
# Lowers the model with dps-lower-to-llvm up to the loops (after
# dps-lower-strided-copies), writes that IR to OUT/lined.mlir, and finishes
# the lowering from that file with debug locations, so every machine
# instruction of the object points at a line of lined.mlir. Then times the
# kernel with `dps-run --time-kernels` (one thread) under `perf record` and
# prints the hottest lines of lined.mlir with their share of the samples,
# the same for 40-line regions (a loop nest), and the hottest functions.
# Needs Debian's linux-perf; perf runs with -e cpu-clock (no hardware
# counters needed).
set -euo pipefail
cd "$(dirname "$0")/.."
model=$1 case=$2 out=${3:-$(mktemp -d)}
build=${DPS_BUILD_DIR:-build}
bin=$build/bin
mkdir -p "$out"
command -v perf >/dev/null || { echo "profile-kernel.sh: needs perf (apt-get install linux-perf)" >&2; exit 1; }

# The module after the last function's dps-lower-strided-copies is the
# whole module at loop level (module scope, one dump per function).
"$bin/dps-opt" "$model" --dps-lower-to-llvm=openmp=false \
  --mlir-print-ir-after=dps-lower-strided-copies --mlir-print-ir-module-scope \
  --mlir-disable-threading -o /dev/null 2> "$out/all-dumps.txt"
awk '/IR Dump After/ { n++; next } { print > ("'"$out"'/dump" n ".mlir") }' "$out/all-dumps.txt"
mv "$(ls "$out"/dump*.mlir | sort -V | tail -1)" "$out/lined.mlir"
rm -f "$out"/dump*.mlir "$out/all-dumps.txt"

# The rest of the lowering (dps-loops-to-llvm: one thread, AMX and bf16
# casts as the host has them), then debug scopes from the locations, which
# are lines of lined.mlir.
amx=false
if grep -q "amx\.tile" "$out/lined.mlir"; then amx=true; fi
"$bin/dps-opt" "$out/lined.mlir" --mlir-print-debuginfo -o "$out/lined-llvm.mlir" \
  --pass-pipeline="builtin.module(dps-loops-to-llvm{openmp=false amx=$amx},ensure-debug-info-scope-on-llvm-func)"
"$bin/dps-translate" --dps-to-object "$out/lined-llvm.mlir" -o "$out/lined.o"
cc -shared "$out/lined.o" -o "$out/lined.so" -lm
"$bin/dps-translate" --dps-to-manifest "$model" -o "$out/lined.json"

# 1 kHz: on this project's VMs sampling at 20 kHz made the kernel itself
# ~8x slower (each sample is a trap into the hypervisor), and the shares
# with it. REPS calls (default 10000) then give enough samples.
perf record -q -e cpu-clock -F 1000 -o "$out/perf.data" -- \
  "$bin/dps-run" "$out/lined.so" --time-kernels "$case" \
  --repetitions "${REPS:-10000}"
perf report -i "$out/perf.data" --no-children --sort srcline 2>/dev/null |
  grep -v '^#' | grep . > "$out/lines.txt" || true
echo "== hottest lines of $out/lined.mlir"
head -20 "$out/lines.txt"
echo "== by 40-line region"
python3 - "$out/lines.txt" <<'PY'
import collections, re, sys
regions = collections.Counter()
for line in open(sys.argv[1]):
    m = re.match(r"\s*([\d.]+)%\s+lined\.mlir:(\d+)", line)
    if m:
        regions[int(m.group(2)) // 40 * 40] += float(m.group(1))
for start, share in regions.most_common(12):
    print(f"  {share:6.2f}%  lined.mlir:{start}-{start + 39}")
PY
echo "== functions"
perf report -i "$out/perf.data" --no-children --sort dso,sym 2>/dev/null |
  grep -v '^#' | grep . | head -8
