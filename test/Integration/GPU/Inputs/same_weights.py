"""Trains a model twice with dps-train, on the cpu and on the host mirror
(the rest of the arguments are dps-train's), and says whether the weights
match bit for bit (params_sha256 of the metrics).

  same_weights.py OUTDIR MODEL [dps-train arguments...]
"""
import json
import os
import subprocess
import sys

out, args = sys.argv[1], sys.argv[2:]
os.makedirs(out, exist_ok=True)
sha = {}
for device in ("cpu", "host-mirror"):
    metrics = os.path.join(out, device + ".json")
    subprocess.run(["dps-train", *args, "--quiet", "--device", device,
                    "--metrics", metrics], check=True)
    with open(metrics) as f:
        sha[device] = json.load(f)["final"]["params_sha256"]
if sha["cpu"] != sha["host-mirror"]:
    sys.exit("params_sha256 differ: cpu %s, host mirror %s"
             % (sha["cpu"], sha["host-mirror"]))
print("same params_sha256 on the cpu and the host mirror")
