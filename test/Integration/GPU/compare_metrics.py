"""Compares two dps-train metrics files epoch by epoch: subset sizes and
precisions, validation error and test accuracy equal, training loss within a
relative tolerance (the two runs' kernels may round differently)."""
import json
import sys


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: compare_metrics.py A.json B.json [REL_TOL]")
    a, b = (json.load(open(path)) for path in sys.argv[1:3])
    tolerance = float(sys.argv[3]) if len(sys.argv) == 4 else 1e-3
    if len(a["epochs"]) != len(b["epochs"]):
        sys.exit(f"{len(a['epochs'])} epochs vs {len(b['epochs'])}")
    for x, y in zip(a["epochs"], b["epochs"]):
        epoch = x["epoch"]
        sizes = lambda e: [(s["precision"], s["samples"]) for s in e["subsets"]]
        if sizes(x) != sizes(y):
            sys.exit(f"epoch {epoch}: subsets {sizes(x)} vs {sizes(y)}")
        for key in ("val_error", "test_accuracy"):
            if x[key] != y[key]:
                sys.exit(f"epoch {epoch}: {key} {x[key]} vs {y[key]}")
        la, lb = x["train_loss"], y["train_loss"]
        if abs(la - lb) > tolerance * max(abs(la), abs(lb)):
            sys.exit(f"epoch {epoch}: train_loss {la} vs {lb}")
        print(f"epoch {epoch}: train_loss {la:.6f} vs {lb:.6f}, same subsets, "
              f"val_error, test_accuracy")


if __name__ == "__main__":
    main()
