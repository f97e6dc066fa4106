#!/usr/bin/env bash
# Runs dps's libFuzzer targets for SECONDS each (default 60) with seed
# corpora from the examples, the tests and small generated files:
#   dps-fuzz-ir          MLIR text -> parse + verify (dps and MLIR dialects)
#   dps-fuzz-lower       ... and dps-lower-to-llvm on what verifies
#   dps-fuzz-idx         an IDX images + labels pair -> readIdx (plain or gzip)
#   dps-fuzz-checkpoint  a checkpoint (CRC appended) -> read + training state
#   dps-fuzz-onnx        an ONNX model -> libonnx's parser + checker -> import
#                        (training and inference forms) + verify
# Builds them with clang-22, ASan+UBSan and coverage into build-fuzz/ (the
# whole compiler: ~15 min the first time on two cores). FUZZ_TARGETS picks a
# subset, e.g. FUZZ_TARGETS="idx checkpoint" (those two need only the
# runtime). Crashes are written to fuzz-out/<target>-crash-*; the script
# prints executions per target and exits non-zero if any target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
targets=${FUZZ_TARGETS:-ir lower idx checkpoint onnx}
scripts/install-deps.sh
if [[ ! -f build-fuzz/build.ninja ]]; then
  CC=clang-22 CXX=clang++-22 cmake -S . -B build-fuzz -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDPS_ENABLE_SANITIZERS=ON \
    -DDPS_ENABLE_FUZZERS=ON
fi
wants() { [[ " $targets " == *" $1 "* ]]; }
# dps-train only makes the checkpoint seed.
ninja -C build-fuzz $(for t in $targets; do echo dps-fuzz-$t; done) \
  $(wants checkpoint && echo dps-train)

out=fuzz-out
corpus=$out/corpus
rm -rf "$corpus" && mkdir -p "$corpus"/{ir,lower,idx,checkpoint,onnx}
# ONNX seeds: ONNX's node tests of the supported ops, and PyTorch's MLP/CNN.
for f in /usr/share/libonnx-testdata/data/node/test_{add,conv,gemm,matmul,maxpool,averagepool,reshape,softmax,flatten,transpose,relu}*/model.onnx; do
  if [[ -f $f ]]; then cp "$f" "$corpus/onnx/$(basename "$(dirname "$f")").onnx"; fi
done
python3 examples/onnx/export_torch.py "$corpus/onnx" > /dev/null 2>&1 || true
# MLIR seeds: the examples and every test input.
find examples test -name '*.mlir' | while read -r f; do
  cp "$f" "$corpus/ir/$(echo "$f" | tr / _)"
done
cp "$corpus"/ir/* "$corpus/lower/"
# IDX seeds: [split byte][images][labels], plain and gzip, and a mismatch.
python3 - "$corpus/idx" <<'PY'
import gzip, struct, sys
def idx(dims, payload):
    return struct.pack(">HBB", 0, 8, len(dims)) + b"".join(struct.pack(">I", d) for d in dims) + payload
def seed(name, a, b):
    size = 1 + len(a) + len(b)
    split = next((s for s in range(256) if 1 + (size - 1) * s // 255 == 1 + len(a)), 128)
    open(f"{sys.argv[1]}/{name}", "wb").write(bytes([split]) + a + b)
images, labels = idx([3, 4, 4], bytes(range(48))), idx([3], bytes([0, 1, 2]))
seed("plain", images, labels)
seed("gzip", gzip.compress(images), gzip.compress(labels))
seed("mismatch", images, idx([2], bytes([0, 1])))
PY
# Checkpoint seed: a real one from a tiny run, without its CRC.
if wants checkpoint; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  ASAN_OPTIONS=detect_leaks=0:allow_user_poisoning=0 build-fuzz/bin/dps-train \
    test/Integration/Train/tiny-mlp.mlir --dataset tiny --epochs 1 --val-split 16 \
    --checkpoint "$tmp" --quiet > /dev/null
  python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); open(sys.argv[2], "wb").write(d[:-4])' \
    "$tmp/latest.ckpt" "$corpus/checkpoint/tiny"
fi

export ASAN_OPTIONS=detect_leaks=0:allow_user_poisoning=0
status=0
for t in $targets; do
  binary=build-fuzz/bin/dps-fuzz-$t
  [[ -x $binary ]] || binary=build-fuzz/runtime/dps-fuzz-$t
  log=$out/$t.log
  "$binary" "$corpus/$t" -max_total_time="$seconds" -print_final_stats=1 \
    -timeout=30 -rss_limit_mb=4096 -artifact_prefix="$out/$t-" > "$log" 2>&1 || status=1
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  crashes=$(find "$out" -maxdepth 1 -name "$t-crash-*" -o -maxdepth 1 \
    -name "$t-timeout-*" -o -maxdepth 1 -name "$t-oom-*" | wc -l)
  echo "dps-fuzz-$t: $runs executions in ${seconds} s, $crashes crashing inputs"
done
exit $status
