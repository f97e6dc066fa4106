#!/usr/bin/env python3
"""Kills dps-train with SIGKILL in the middle of an epoch, then resumes it.

  kill_mid_epoch.py OUT_DIR -- DPS_TRAIN_COMMAND...

Runs the command (which must pass --checkpoint and --metrics; progress lines
go to stderr) and sends SIGKILL as soon as it reports progress inside epoch
2, i.e. after epoch 1's checkpoint and before epoch 2's. Then runs the same
command with --resume to the end. Prints what happened; exits 1 if the run
was not interrupted mid-epoch (it finished first) or the resume failed.
"""
import re
import signal
import subprocess
import sys


def main():
    separator = sys.argv.index("--")
    command = sys.argv[separator + 1:]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    killed_at = None
    for line in process.stderr:
        match = re.match(r"epoch (\d+): (\d+)/(\d+) steps", line)
        if match and int(match.group(1)) >= 2:
            process.send_signal(signal.SIGKILL)
            killed_at = line.strip()
            break
    process.wait()
    if killed_at is None or process.returncode != -signal.SIGKILL:
        print(f"not interrupted: exit status {process.returncode}")
        return 1
    print(f"killed with SIGKILL at '{killed_at}'")
    resumed = subprocess.run(command + ["--resume"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    if resumed.returncode != 0:
        print(f"resume failed ({resumed.returncode}): {resumed.stderr}")
        return 1
    print("resumed to the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
