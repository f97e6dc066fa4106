#!/usr/bin/env bash
# The MLP on a real GPU, in two halves (issue 10):
#
#   bench/gpu_check.sh prepare DIR   # here: dps-translate, ptxas, the dataset
#   bench/gpu_check.sh run DIR       # on the GPU machine: CMake, CUDA, PyTorch
#
# prepare compiles examples/mlp.mlir for the GPU (host object with the cubin
# embedded, manifest; the whole ladder and each rung alone), runs the same
# model 2 epochs on the CPU as the reference, and puts them in DIR with the
# runtime's sources, zlib and nlohmann_json (headers, libz.a), a Fashion-MNIST
# subset (plain IDX) and the comparison scripts: under 64 MiB, no LLVM needed.
# run builds the runtime there (dps-run, with the CUDA backend), trains the
# MLP 2 epochs with --device cuda, checks its losses against the CPU run and
# prints samples/s per rung next to PyTorch's on the same GPU.
#
# Environment: DPS_BUILD (default: build), GPU_CHIP (default: sm_90),
# GPU_FEATURES (default: +ptx80), TRAIN_SAMPLES (default: 12000).
set -euo pipefail

mode=${1:-}
dir=${2:-}
if [[ -z "$mode" || -z "$dir" ]]; then
  echo "usage: $0 prepare|run DIR" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
chip=${GPU_CHIP:-sm_90}
features=${GPU_FEATURES:-+ptx80}
samples=${TRAIN_SAMPLES:-12000}
epochs=2
limit_mib=64

prepare() {
  local build=${DPS_BUILD:-$root/build}
  local bin=$build/bin
  for tool in dps-translate dps-train; do
    [[ -x $bin/$tool ]] || { echo "gpu_check: no $bin/$tool (build first)" >&2; exit 1; }
  done
  rm -rf "$dir"
  mkdir -p "$dir/model" "$dir/data" "$dir/deps/include" "$dir/deps/lib"

  # The model: the whole ladder, and each rung alone for per-rung figures.
  local ladders=("f32,bf16,f8E4M3FN" f32 bf16 f8E4M3FN)
  for ladder in "${ladders[@]}"; do
    local name=mlp-${ladder//,/-}
    sed -E "s/ladder = #dps\.ladder<\[[^]]*\]>/ladder = #dps.ladder<[${ladder//,/, }]>/" \
      "$root/examples/mlp.mlir" > "$dir/model/$name.mlir"
    "$bin/dps-translate" --dps-to-object --dps-gpu --dps-gpu-chip="$chip" \
      --dps-gpu-features="$features" "$dir/model/$name.mlir" -o "$dir/model/$name.o"
    "$bin/dps-translate" --dps-to-manifest --dps-gpu --dps-gpu-chip="$chip" \
      --dps-gpu-features="$features" "$dir/model/$name.mlir" -o "$dir/model/$name.json"
  done
  "$bin/dps-translate" --dps-to-ptx --dps-gpu-chip="$chip" --dps-gpu-features="$features" \
    "$root/examples/mlp.mlir" -o "$dir/model/mlp.ptx"

  # Fashion-MNIST, plain IDX: the first $samples training images, all tests.
  python3 - "$dir/data" "$samples" <<'EOF'
import gzip, struct, sys
out, keep = sys.argv[1], int(sys.argv[2])
src = "/usr/share/datasets/fashion-mnist"
for stem, limit in [("train-images-idx3-ubyte", keep), ("train-labels-idx1-ubyte", keep),
                    ("t10k-images-idx3-ubyte", None), ("t10k-labels-idx1-ubyte", None)]:
    data = gzip.open(f"{src}/{stem}.gz", "rb").read()
    ndim = data[3]
    dims = list(struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim]))
    count = dims[0] if limit is None else min(limit, dims[0])
    per = 1
    for d in dims[1:]:
        per *= d
    header = data[:4] + struct.pack(">" + "I" * ndim, count, *dims[1:])
    body = data[4 + 4 * ndim:4 + 4 * ndim + count * per]
    open(f"{out}/{stem}", "wb").write(header + body)
EOF

  # The CPU reference: the same model, data and seed.
  "$bin/dps-train" "$root/examples/mlp.mlir" --dataset "idx:$dir/data" --epochs $epochs \
    --val-split 1000 --seed 1 --metrics "$dir/reference.json" --quiet

  # The runtime's sources and what it needs that a bare machine may lack.
  mkdir -p "$dir/runtime"
  cp -r "$root/runtime/CMakeLists.txt" "$root/runtime/include" "$root/runtime/lib" \
    "$root/runtime/tools" "$dir/runtime/"
  cp /usr/include/zlib.h /usr/include/zconf.h "$dir/deps/include/"
  cp -r /usr/include/nlohmann "$dir/deps/include/"
  cp /usr/lib/x86_64-linux-gnu/libz.a "$dir/deps/lib/"
  cp "$root/test/Integration/GPU/compare_metrics.py" "$root/bench/torch_baseline.py" \
    "$root/bench/gpu_check.sh" "$dir/"

  local bytes
  bytes=$(du -sb "$dir" | cut -f1)
  echo "gpu_check: prepared $dir: $((bytes / 1024)) KiB (limit ${limit_mib} MiB)"
  if ((bytes >= limit_mib * 1024 * 1024)); then
    echo "gpu_check: the bundle is over ${limit_mib} MiB" >&2
    exit 1
  fi
}

run() {
  cd "$dir"
  cmake -S runtime -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DDPS_RUNTIME_TESTS=OFF -DDPS_DEPS_DIR="$PWD/deps" > build.log
  grep -q "CUDA backend (CUDA" build.log || { echo "gpu_check: no CUDA toolkit found" >&2; exit 1; }
  ninja -C build dps-run >> build.log
  for object in model/*.o; do
    cc -shared "$object" -o "${object%.o}.so" -lm
  done

  local full=model/mlp-f32-bf16-f8E4M3FN.so
  ./build/bin/dps-run "$full" --device cuda --dataset idx:data --epochs $epochs \
    --val-split 1000 --seed 1 --metrics gpu.json
  # Tensor cores accumulate in another order than the CPU: the losses agree
  # within 2%, the subsets may differ by a few samples.
  python3 - <<'EOF'
import json
gpu, cpu = (json.load(open(f))["epochs"] for f in ("gpu.json", "reference.json"))
worst = 0.0
for g, c in zip(gpu, cpu):
    rel = abs(g["train_loss"] - c["train_loss"]) / max(abs(c["train_loss"]), 1e-12)
    worst = max(worst, rel)
    print(f"epoch {g['epoch']}: loss gpu {g['train_loss']:.4f} cpu {c['train_loss']:.4f}, "
          f"test accuracy gpu {g['test_accuracy']:.4f} cpu {c['test_accuracy']:.4f}")
    assert abs(g["test_accuracy"] - c["test_accuracy"]) < 0.02, "test accuracy differs"
assert len(gpu) == len(cpu) and worst < 0.02, f"losses differ by {worst:.3%}"
print(f"gpu_check: losses within {worst:.3%} of the CPU run")
t = json.load(open("gpu.json"))["final"]["device_transfers"]
print(f"gpu_check: copies over {t['kernel_calls']} kernel calls: resident "
      f"{t['resident_bytes_in'] / 1e6:.1f} MB in, {t['resident_bytes_out'] / 1e6:.1f} MB out; "
      f"per call {t['call_bytes_in'] / t['kernel_calls']:.0f} bytes in, "
      f"{t['call_bytes_out'] / t['kernel_calls']:.0f} out")
EOF

  echo "samples/s, training only (epoch 2):"
  for ladder in f32 bf16 f8E4M3FN f32-bf16-f8E4M3FN; do
    ./build/bin/dps-run "model/mlp-$ladder.so" --device cuda --dataset idx:data \
      --epochs 2 --val-split 1000 --metrics "rung-$ladder.json" --quiet
    python3 -c "import json,sys; e=json.load(open('rung-$ladder.json'))['epochs'][-1]; print(f'  dps {sys.argv[1]:<20} {e[\"samples_per_second\"]:10.0f}')" "$ladder"
  done
  for precision in f32 bf16; do
    python3 torch_baseline.py mlp --device cuda --data data $([[ $precision == bf16 ]] && echo --bf16) |
      python3 -c "import json,sys; r=json.loads(sys.stdin.read()); print(f'  torch {r[\"precision\"]:<18} {r[\"samples_per_second\"]:10.0f}')"
  done
}

case "$mode" in
  prepare) prepare ;;
  run) run ;;
  *) echo "usage: $0 prepare|run DIR" >&2; exit 2 ;;
esac
