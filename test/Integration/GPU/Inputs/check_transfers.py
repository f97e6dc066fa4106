"""Reads a device run's copies (its metrics' final.device_transfers) and
checks that neither batches nor parameters crossed at each kernel call:
per call, fewer bytes went in than an eighth of one batch, and over the
run, fewer resident bytes than an eighth of the parameters per call.

  check_transfers.py METRICS MANIFEST
"""
import json
import math
import sys

metrics = json.load(open(sys.argv[1]))
manifest = json.load(open(sys.argv[2]))
t = metrics["final"]["device_transfers"]
calls = t["kernel_calls"]
eval_kernel = next(k for k in manifest["kernels"] if k["kind"] == "eval")
batch_bytes = 4 * math.prod(
    next(a for a in eval_kernel["args"] if a["role"] == "input")["shape"])
param_bytes = sum(metrics["epochs"][-1]["param_bytes"].values())
per_call = t["call_bytes_in"] / calls
assert per_call < batch_bytes / 8, f"{per_call:.0f} bytes in per call"
assert t["resident_bytes_in"] < calls * param_bytes / 8, \
    f"{t['resident_bytes_in']} resident bytes in over {calls} calls"
print("no batch and no parameter crossed at each call: "
      f"{per_call:.0f} bytes in per call (a batch: {batch_bytes}), "
      f"{t['resident_bytes_in']} resident bytes in over {calls} calls "
      f"(parameters: {param_bytes})")
