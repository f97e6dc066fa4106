#!/usr/bin/env python3
"""PyTorch baselines for bench/cpu.sh, as JSON lines on stdout.

  torch_baseline.py mlp --threads 2 [--bf16] [--device cuda] [--data DIR]
  torch_baseline.py kernels --threads 1 CASE...     # matmul/conv GFLOP/s

The MLP is examples/mlp.mlir's (784-256-128-10, ReLU, softmax cross-entropy,
SGD lr 0.05 momentum 0.9, batch 128) on Fashion-MNIST scaled to [0, 1], as
dps-train reads it. --bf16 runs the step under torch.autocast("cpu",
dtype=torch.bfloat16) (or "cuda", with --device cuda, timed with
synchronisation). Throughput is the median over chunks of 20 steps
after 20 warm-up steps.

Kernel cases use dps-bench's notation: matmul:MxKxN[:lhs|:rhs] (A given as
KxM / B as NxK, passed to torch.matmul as transposed views, as a framework
would) and conv:NxHxWxCINxCOUT (3x3, padding 1; torch's NCHW layout).
"""
import argparse
import ctypes
import gzip
import json
import statistics
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

DATA = "/usr/share/datasets/fashion-mnist"


def open_idx(folder, stem):
    """`folder/stem`, or `folder/stem.gz`."""
    try:
        return open(f"{folder}/{stem}", "rb")
    except FileNotFoundError:
        return gzip.open(f"{folder}/{stem}.gz", "rb")


def load_images(folder=DATA):
    with open_idx(folder, "train-images-idx3-ubyte") as f:
        _, count, rows, cols = struct.unpack(">IIII", f.read(16))
        images = np.frombuffer(f.read(), dtype=np.uint8)
    with open_idx(folder, "train-labels-idx1-ubyte") as f:
        f.read(8)
        labels = np.frombuffer(f.read(), dtype=np.uint8)
    x = torch.from_numpy(images.reshape(count, rows * cols).astype(np.float32) / 255.0)
    return x, torch.from_numpy(labels.astype(np.int64))


def mlp(args):
    torch.manual_seed(1)
    x, y = load_images(args.data)
    device = torch.device(args.device)
    x, y = x.to(device), y.to(device)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.ReLU(),
        torch.nn.Linear(256, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 10)).to(device)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    batch = 128
    steps = x.shape[0] // batch

    def step(i):
        xb = x[i * batch:(i + 1) * batch]
        yb = y[i * batch:(i + 1) * batch]
        opt.zero_grad(set_to_none=True)
        if args.bf16:
            with torch.autocast(device.type, dtype=torch.bfloat16):
                loss = F.cross_entropy(model(xb), yb)
        else:
            loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()

    def synchronize():
        if device.type == "cuda":
            torch.cuda.synchronize()

    for i in range(20):
        step(i)
    chunk, rates = 20, []
    for start in range(20, steps - chunk + 1, chunk):
        synchronize()
        t0 = time.perf_counter()
        for i in range(start, start + chunk):
            step(i)
        synchronize()
        rates.append(chunk * batch / (time.perf_counter() - t0))
    print(json.dumps({"baseline": "torch-mlp", "precision": "bf16" if args.bf16 else "f32",
                      "device": device.type, "threads": torch.get_num_threads(),
                      "samples_per_second": statistics.median(rates)}))


def timed(fn, repeats=9, min_seconds=0.02):
    for _ in range(3):
        fn()
    per_call = []
    for _ in range(repeats):
        calls, t0 = 0, time.perf_counter()
        while True:
            fn()
            calls += 1
            elapsed = time.perf_counter() - t0
            if elapsed >= min_seconds:
                break
        per_call.append(elapsed / calls)
    return statistics.median(per_call)


def kernels(args):
    for case in args.cases:
        op, shape, *variant = case.split(":")
        dims = [int(d) for d in shape.split("x")]
        for precision in args.precision.split(","):
            dtype = {"f32": torch.float32, "bf16": torch.bfloat16}[precision]
            if op == "matmul":
                m, k, n = dims
                a = torch.rand(k, m).to(dtype).t() if variant == ["lhs"] else torch.rand(m, k).to(dtype)
                b = torch.rand(n, k).to(dtype).t() if variant == ["rhs"] else torch.rand(k, n).to(dtype)
                seconds = timed(lambda: torch.matmul(a, b))
                flops = 2.0 * m * n * k
            else:
                nb, h, w, cin, cout = dims
                xin = torch.rand(nb, cin, h, w).to(dtype)
                filt = torch.rand(cout, cin, 3, 3).to(dtype)
                seconds = timed(lambda: F.conv2d(xin, filt, padding=1))
                flops = 2.0 * nb * h * w * cout * cin * 9
            print(json.dumps({"op": op, "shape": ":".join([shape] + variant),
                              "precision": precision,
                              "threads": torch.get_num_threads(),
                              "ms": seconds * 1e3, "gflops": flops / seconds * 1e-9}))
            sys.stdout.flush()


def limit_blas_threads(n):
    """Holds OpenBLAS to `n` threads too. Debian's torch calls BLAS through
    libblas.so.3 without knowing it is OpenBLAS, so torch.set_num_threads
    does not reach OpenBLAS's own pool, which takes every core: a
    "one-thread" torch.matmul ran on two (92 against 64-73 GFLOP/s, Zen 3)."""
    try:
        blas = ctypes.CDLL("libblas.so.3")
    except OSError:
        return
    if hasattr(blas, "openblas_set_num_threads"):
        blas.openblas_set_num_threads(n)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("mlp")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--bf16", action="store_true")
    p.add_argument("--device", default="cpu")
    p.add_argument("--data", default=DATA, help="IDX folder (files plain or .gz)")
    p = sub.add_parser("kernels")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--precision", default="f32,bf16")
    p.add_argument("cases", nargs="+")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    limit_blas_threads(args.threads)
    {"mlp": mlp, "kernels": kernels}[args.command](args)


if __name__ == "__main__":
    main()
