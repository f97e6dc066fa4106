#!/usr/bin/env bash
# Issue 8's CPU benchmark: dps against PyTorch and against its own f32 path,
# all measured in this one run (only ratios from the same run count).
#
#   bench/cpu.sh            # ~3 min on two cores; results in bench-out/cpu/
#
# 1. dps-train on the MLP (batch 128) and Fashion-MNIST, one rung alone
#    (--ladder f32 / bf16 / f8E4M3FN, 3 epochs, median training samples/s),
#    then a whole 15-epoch DPS run against a whole 15-epoch f32 run;
# 2. PyTorch 1.13 (Debian's python3-torch) training the same MLP, fp32 and
#    bf16 autocast, same batch, optimizer and threads;
# 3. dps's matmul kernels at the MLP's shapes (forward, X^T G, G W^T) and the
#    CNN's convolutions against torch.matmul / F.conv2d, f32 and bf16, on
#    1 and 2 threads, each also as a share of the threads' peak (one core's,
#    measured by bench/peak.c, times the threads);
# 4. compile time of dps-lower-to-llvm for each example, a cold compile and
#    a start from the kernel cache.
# Nothing here is a test: bench/cpu_summary.py prints the table and ratios.
# THREADS (default 2) sets the training threads; OUT the output folder.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${DPS_BUILD_DIR:-build}
out=${OUT:-bench-out/cpu}
threads=${THREADS:-2}
# Debian's interpreter: python3-torch installs there, not into a pyenv one.
py=/usr/bin/python3
mkdir -p "$out"
rm -f "$out"/*.jsonl "$out"/run-*.json

# PyTorch, and OpenBLAS for its f32 matmuls (without it Debian's torch falls
# back to the reference BLAS and its f32 baseline is 3x slower than it
# should be).
need=()
$py -c 'import torch' 2>/dev/null || need+=(python3-torch)
[[ -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ]] ||
  need+=(libopenblas0-pthread)
if ((${#need[@]})); then
  sudo=; [[ $(id -u) == 0 ]] || sudo=sudo
  $sudo apt-get install -y -q "${need[@]}" >/dev/null
fi

echo "== dps rungs (MLP, 3 epochs each)"
for ladder in f32 bf16 f8E4M3FN; do
  "$build/bin/dps-train" examples/mlp.mlir --ladder "$ladder" --epochs 3 \
    --threads "$threads" --metrics "$out/rung-$ladder.json" --quiet
done

# Alternating, REPS times each (this machine's speed drifts by up to 2x
# within minutes; the summary takes the medians and each pair's ratio).
reps=${REPS:-5}
echo "== whole runs (MLP, 15 epochs: DPS and f32 alternating, $reps each)"
for rep in $(seq "$reps"); do
  "$build/bin/dps-train" examples/mlp.mlir --epochs 15 --threads "$threads" \
    --metrics "$out/run-dps-$rep.json" --quiet
  "$build/bin/dps-train" examples/mlp.mlir --epochs 15 --ladder f32 \
    --threads "$threads" --metrics "$out/run-f32-$rep.json" --quiet
done

echo "== PyTorch MLP"
# Three runs each, the summary keeps each precision's best: PyTorch's bf16
# step was bimodal on Zen 5 (24-29k or 108-119k samples/s from one run to
# the next), and the comparison should be with PyTorch at its best.
for rep in 1 2 3; do
  $py bench/torch_baseline.py mlp --threads "$threads" >> "$out/torch-mlp.jsonl"
  $py bench/torch_baseline.py mlp --threads "$threads" --bf16 >> "$out/torch-mlp.jsonl"
done

echo "== kernels"
cases=(matmul:128x784x256 matmul:128x256x128 matmul:784x128x256:lhs
       matmul:256x128x128:lhs matmul:128x256x784:rhs matmul:128x128x256:rhs
       conv:128x28x28x1x16 conv:128x14x14x16x32)
# dps's cases, then PyTorch's, in KERNEL_ROUNDS rounds (default 2): the
# machine's speed drifts within minutes, so each ratio is taken within a
# round and the summary prints the median and the range over the rounds.
# (PyTorch runs all cases in one process: run case by case, each in a
# fresh process, its f32 128x256x784:rhs matmul and 14x14 convolution
# measured 4-6x slower than in one process, on Zen 5.)
rounds=${KERNEL_ROUNDS:-2}
for round in $(seq "$rounds"); do
  for t in 1 2; do
    OMP_NUM_THREADS=$t "$build/bin/dps-bench" "${cases[@]}" |
      sed "s/}\$/, \"threads\": $t, \"round\": $round}/" >> "$out/dps-kernels.jsonl"
    $py bench/torch_baseline.py kernels --threads "$t" "${cases[@]}" |
      sed "s/}\$/, \"round\": $round}/" >> "$out/torch-kernels.jsonl"
  done
done

echo "== the machine's peak (one core)"
# What the kernels' GFLOP/s are fractions of, and the most a bf16 kernel
# can gain over an f32 one here (bench/peak.c).
# (x86 only: elsewhere it does not compile and the summary leaves it out.)
rm -f "$out/peak.jsonl"
if cc -O2 bench/peak.c -o "$out/peak" 2>/dev/null; then
  "$out/peak" > "$out/peak.jsonl"
  rm -f "$out/peak"
fi

echo "== per-call kernel times (MLP compiled ahead of time, one thread)"
# A call at one row is the kernel's fixed cost (weight-sized passes), paid
# once per rung present in a step; mixed batches pay it for every rung.
aot=$(mktemp -d)
"$build/bin/dps-translate" --dps-to-object examples/mlp.mlir -o "$aot/mlp.o"
"$build/bin/dps-translate" --dps-to-manifest examples/mlp.mlir -o "$aot/mlp.json"
cc -shared "$aot/mlp.o" -o "$aot/mlp.so" -lm
calls=()
for p in f32 bf16 f8E4M3FN; do
  for rows in 1 43 128; do calls+=("grad_$p@$rows"); done
done
calls+=(refresh_bf16 refresh_f8E4M3FN update update_from_bf16)
list=$(IFS=,; echo "${calls[*]}")
"$build/bin/dps-run" "$aot/mlp.so" --time-kernels "$list" > "$out/dps-calls.jsonl"
# Cold (--cold: none of a call's data cached), as a training step's calls
# nearly are: their figures in a run lie between the two.
"$build/bin/dps-run" "$aot/mlp.so" --time-kernels "$list" --cold |
  sed 's/}$/, "cold": true}/' >> "$out/dps-calls.jsonl"
rm -rf "$aot"

echo "== compile times"
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
for model in mlp cnn; do
  for rep in 1 2 3; do
    $py -c 'import json, subprocess, sys, time
t = time.perf_counter(); subprocess.run(sys.argv[2:], check=True)
print(json.dumps({"model": sys.argv[1], "stage": "dps-lower-to-llvm",
                  "seconds": time.perf_counter() - t}))' \
      "$model" "$build/bin/dps-opt" "examples/$model.mlir" \
      --dps-lower-to-llvm -o /dev/null
  done >> "$out/compile.jsonl"
  for stage in cold cached; do
    line=$("$build/bin/dps-train" "examples/$model.mlir" --dataset synthetic \
      --epochs 1 --limit 256 --val-split 64 --cache-dir "$cache" | sed -n 1p)
    seconds=$(sed -E 's/.* in ([0-9.]+) s$/\1/' <<<"$line")
    echo "{\"model\": \"$model\", \"stage\": \"$stage\", \"seconds\": $seconds}"
  done >> "$out/compile.jsonl"
done

$py bench/cpu_summary.py "$out" | tee "$out/summary.txt"
