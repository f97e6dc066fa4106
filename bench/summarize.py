#!/usr/bin/env python3
"""Summarises bench/fashion-mnist.sh's metrics: mean test accuracy of the
dynamic-precision runs against the f32 baseline, the share of sample-steps
below f32 and in f8, and the sample store's bytes relative to an all-f32
store (the smallest epoch and the mean over the run)."""
import glob
import json
import os
import statistics
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "bench-out"


def runs(kind):
    return [(path, json.load(open(path)))
            for path in sorted(glob.glob(os.path.join(out, f"{kind}-s*.json")))]


means = {}
for kind in ("dps", "f32", "cnn"):
    found = runs(kind)
    if not found:
        continue
    accuracies = [run["final"]["test_accuracy"] for _, run in found]
    means[kind] = statistics.mean(accuracies)
    print(f"{kind}: test accuracy " +
          " ".join(f"{a:.4f}" for a in accuracies) + f"  mean {means[kind]:.4f}")
    for path, run in found:
        total = below = f8 = 0
        ratios = []
        for epoch in run["epochs"]:
            for subset in epoch["subsets"]:
                total += subset["samples"]
                if subset["precision"] != "f32":
                    below += subset["samples"]
                if subset["precision"].startswith("f8"):
                    f8 += subset["samples"]
            ratios.append(sum(epoch["sample_store_bytes"].values()) /
                          run["source_bytes"])
        best = max(run["epochs"], key=lambda e: e["test_accuracy"])
        print(f"  {os.path.basename(path)}: below f32 {below / total:.1%}, "
              f"in f8 {f8 / total:.1%}, store bytes min {min(ratios):.1%} "
              f"mean {statistics.mean(ratios):.1%}, subsets per epoch "
              f"{[len(e['subsets']) for e in run['epochs']]}, rollbacks "
              f"{sum(e['rollback'] for e in run['epochs'])}, best test "
              f"accuracy {best['test_accuracy']:.4f} at epoch {best['epoch']}")
if "dps" in means and "f32" in means:
    print(f"dps - f32 mean test accuracy: {means['dps'] - means['f32']:+.4f}")
