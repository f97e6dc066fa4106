"""Checks that two dps-train metrics files trained alike: each epoch's
training loss within a relative tolerance.

    compare_metrics.py A.json B.json TOLERANCE
"""
import json
import sys


def main():
    a, b = (json.load(open(path)) for path in sys.argv[1:3])
    tolerance = float(sys.argv[3])
    if len(a["epochs"]) != len(b["epochs"]):
        sys.exit("different epoch counts")
    for x, y in zip(a["epochs"], b["epochs"]):
        relative = abs(x["train_loss"] - y["train_loss"]) / max(
            abs(y["train_loss"]), 1e-12)
        if relative > tolerance:
            sys.exit(f"epoch {x['epoch']}: train_loss {x['train_loss']} vs "
                     f"{y['train_loss']} (relative {relative:.3g} > "
                     f"{tolerance})")
    print("train losses agree")


if __name__ == "__main__":
    main()
