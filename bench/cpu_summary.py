#!/usr/bin/env python3
"""Prints bench/cpu.sh's table and ratios from the files it wrote."""
import json
import re
import statistics
import sys
from pathlib import Path


def lines(path):
    return [json.loads(l) for l in path.read_text().splitlines() if l.strip()] if path.exists() else []


def epochs(path):
    return json.loads(path.read_text())["epochs"]


def ratio(a, b):
    return f"{a / b:.2f}x" if b else "n/a"


def main(out):
    out = Path(out)
    print("MLP (784-256-128-10), batch 128, Fashion-MNIST; training samples/s")
    rungs = {}
    for ladder in ["f32", "bf16", "f8E4M3FN"]:
        path = out / f"rung-{ladder}.json"
        if path.exists():
            rungs[ladder] = statistics.median(e["samples_per_second"] for e in epochs(path))
            print(f"  dps {ladder:<9} {rungs[ladder]:10.0f}   (median of {len(epochs(path))} epochs)")
    # Each precision's best run (cpu.sh runs each three times).
    runs = {}
    for l in lines(out / "torch-mlp.jsonl"):
        runs.setdefault(l["precision"], []).append(l)
    torch = {p: max(group, key=lambda l: l["samples_per_second"]) for p, group in runs.items()}
    for precision, line in torch.items():
        label = "fp32" if precision == "f32" else "bf16 autocast"
        others = ", ".join(f"{l['samples_per_second']:.0f}" for l in runs[precision])
        print(f"  torch {label:<15} {line['samples_per_second']:10.0f}   ({line['threads']} threads; "
              f"best of {others})")
    if "f32" in rungs and "f32" in torch:
        print(f"  dps f32 / torch fp32            {ratio(rungs['f32'], torch['f32']['samples_per_second'])}  (target >= 4)")
    if "bf16" in rungs and "bf16" in torch:
        print(f"  dps bf16 / torch bf16 autocast  {ratio(rungs['bf16'], torch['bf16']['samples_per_second'])}  (target >= 1.5)")

    def run(path):
        # Training and whole-epoch seconds, final accuracy, where the
        # training time went (None from builds whose metrics lack the split)
        # and each rung's thread's time per step it ran in, in us (refresh,
        # gather, kernel; empty from older builds).
        e = epochs(path)
        train = sum(x.get("train_seconds", x["seconds"]) for x in e)
        split = None
        if all("rung_seconds" in x for x in e):
            probe, rungs, update = (sum(x[k] for x in e) for k in
                                    ("probe_seconds", "rung_seconds", "update_seconds"))
            split = (probe, rungs, update, train - probe - rungs - update)
        totals = {}
        for s in (s for x in e for s in x["subsets"] if s.get("steps")):
            t = totals.setdefault(s["precision"], [0, 0.0, 0.0, 0.0])
            t[0] += s["steps"]
            for i, k in enumerate(("refresh_seconds", "gather_seconds", "kernel_seconds"), 1):
                t[i] += s[k]
        per_step = {p: [1e6 * x / steps for x in seconds]
                    for p, (steps, *seconds) in totals.items()}
        return train, sum(x["seconds"] for x in e), e[-1]["test_accuracy"], split, per_step

    pairs = []
    for rep in range(1, 100):
        paths = [out / f"run-{name}-{rep}.json" for name in ("dps", "f32")]
        if not all(p.exists() for p in paths):
            break
        pairs.append([run(p) for p in paths])
    if pairs:
        print(f"\nWhole 15-epoch runs, {len(pairs)} alternating pairs (training seconds / "
              "epoch seconds incl. evaluation / final test acc)")
        for i, (dps, f32) in enumerate(pairs, 1):
            print(f"  pair {i}: dps {dps[0]:6.1f} s {dps[1]:6.1f} s {dps[2]:.4f}   "
                  f"f32 {f32[0]:6.1f} s {f32[1]:6.1f} s {f32[2]:.4f}   "
                  f"speed-up {ratio(f32[0], dps[0])}")
        # Where the training time went (medians over the runs).
        for side, name in enumerate(("dps", "f32")):
            split = [pair[side][3] for pair in pairs]
            if all(split):
                cols = zip(*split)
                print(f"  {name} training split (median s): " + ", ".join(
                    f"{label} {statistics.median(c):.2f}"
                    for label, c in zip(("probe", "rungs", "updates", "rest"), cols)))
        # Each rung's thread per step it ran in (medians over the DPS runs):
        # the same kernels run 1.5-3x slower here than timed alone below.
        per_rung = {}
        for dps, _ in pairs:
            for precision, times in dps[4].items():
                per_rung.setdefault(precision, []).append(times)
        for precision, runs in per_rung.items():
            cols = [statistics.median(c) for c in zip(*runs)]
            print(f"  dps {precision} rung per step it runs in (median us): refresh "
                  f"{cols[0]:.0f}, gather {cols[1]:.0f}, kernel {cols[2]:.0f}")
        train = statistics.median(f32[0] / dps[0] for dps, f32 in pairs)
        whole = statistics.median(f32[1] / dps[1] for dps, f32 in pairs)
        print(f"  DPS speed-up over f32 (median of the pairs): training {train:.2f}x, "
              f"whole epochs {whole:.2f}x  (target >= 1.5)")

    # One core's peak per precision (bench/peak.c): f32 FMAs, bf16 dots.
    units = lines(out / "peak.jsonl")
    peak = {l["precision"]: l["gflops"] for l in units}
    if peak:
        print("\nOne core's peak, GFLOP/s: " + ", ".join(
            f"{l['unit']} ({l['precision']}) {l['gflops']:.1f}" for l in units))
        if "f32" in peak and "bf16" in peak:
            print(f"  bf16 / f32 peak {ratio(peak['bf16'], peak['f32'])}: the most a bf16 kernel "
                  "can gain over an f32 one here")
        elif "f32" in peak:
            # No bf16 dot product: bf16 kernels multiply on the f32 FMAs.
            peak["bf16"] = peak["f32"]
            print("  no bf16 dot product: bf16 kernels compute on the f32 FMAs, whose peak"
                  " they are set against")

    # Each case's GFLOP/s by round (cpu.sh measures dps and PyTorch case by
    # case, seconds apart, in rounds); a ratio is taken within a round.
    def by_case(path):
        cases = {}
        for l in lines(path):
            key = (l["op"], l["shape"], l["precision"], l["threads"])
            cases.setdefault(key, {})[l.get("round", 1)] = l["gflops"]
        return cases
    dps, ref = by_case(out / "dps-kernels.jsonl"), by_case(out / "torch-kernels.jsonl")
    if dps:
        rounds = max(len(r) for r in dps.values())
        print("\nKernels, GFLOP/s (matmul MxKxN, :lhs = A^T, :rhs = B^T; conv NxHxWxCinxCout, 3x3;"
              " peak: dps's share of the threads' peak;")
        print(f"  medians of {rounds} round(s), each ratio within a round; range: the rounds' ratios)")
        print(f"  {'case':<28} {'prec':<5} {'thr':>3} {'dps':>8} {'torch':>8} {'dps/torch':>9} {'peak':>6}"
              "  range")
        for key, runs in dps.items():
            d = statistics.median(runs.values())
            others = ref.get(key, {})
            t = statistics.median(others.values()) if others else 0
            ratios = [runs[r] / others[r] for r in runs if others.get(r)]
            r = f"{statistics.median(ratios):.2f}x" if ratios else "n/a"
            spread = (f"{min(ratios):.2f}-{max(ratios):.2f}" if len(ratios) > 1 else "")
            top = peak.get(key[2], 0) * key[3]
            share = f"{100 * d / top:5.0f}%" if top else "   n/a"
            print(f"  {key[0] + ':' + key[1]:<28} {key[2]:<5} {key[3]:>3} {d:8.1f} "
                  f"{t:8.1f} {r:>9} {share:>6}  {spread}")

    calls = lines(out / "dps-calls.jsonl")
    if calls:
        # Warm (data cached from the previous call) and, where measured,
        # cold (none cached): a training step's calls lie between the two.
        cold = {(l["kernel"], l["rows"]): l for l in calls if l.get("cold")}
        print("\nPer-call kernel times, us (MLP, ahead of time, one thread; median / p10,"
              " warm and cold)")
        for line in (l for l in calls if not l.get("cold")):
            c = cold.get((line["kernel"], line["rows"]))
            text = f"{c['median_us']:9.1f} {c['p10_us']:9.1f}" if c else ""
            print(f"  {line['kernel']:<28} rows {line['rows']:>4} "
                  f"{line['median_us']:9.1f} {line['p10_us']:9.1f}   {text}")

    if calls and pairs:
        bound(calls, out / "run-dps-1.json", out / "run-f32-1.json",
              [statistics.median(pair[side][0] for pair in pairs) for side in (0, 1)])

    compile_ = lines(out / "compile.jsonl")
    if compile_:
        print("\nCompile times, seconds")
        for model in ["mlp", "cnn"]:
            stages = {}
            for l in compile_:
                if l["model"] == model:
                    stages.setdefault(l["stage"], []).append(l["seconds"])
            text = ", ".join(f"{s} {statistics.median(v):.3f}" for s, v in stages.items())
            print(f"  {model}: {text}")


def bound(calls, dps_run, f32_run, measured, threads=2):
    """What the whole-run ratio could be at most with these kernels: every
    step of both runs on `threads` threads perfectly shared, each kernel at
    its warm one-thread time (grad kernels linear in the rows between the
    measured 1 and 128), the update split evenly too. The DPS run keeps its
    probe's measured time (work the f32 run does not have). `measured`: the
    runs' median training seconds, set against their bounds."""
    warm = {(l["kernel"], l["rows"]): l["median_us"] for l in calls if not l.get("cold")}
    step = re.match(r"(.*)_(grad|refresh|update)", next(iter(warm))[0]).group(1)

    def grad(precision, rows):
        one, full = warm.get((f"{step}_grad_{precision}", 1)), warm.get((f"{step}_grad_{precision}", 128))
        if one is None or full is None:
            return None
        return one + (full - one) * (rows - 1) / 127

    def seconds(path):
        """Each epoch's bound (seconds) and whether it had f32 rows."""
        ladder = json.loads(Path(path).read_text())["ladder"]
        per_epoch = []
        for e in epochs(path):
            present = [s for s in e["subsets"] if s.get("steps")]
            steps = max(s["steps"] for s in present)
            work = 0.0
            for s in present:
                cost = grad(s["precision"], s["samples"] / s["steps"])
                if cost is None:
                    return None
                work += cost * s["steps"] / steps
                work += warm.get((f"{step}_refresh_{s['precision']}", 128), 0.0)
            names = [s["precision"] for s in present]
            # As the trainer: the update from the step's top rung down, where
            # there is one (and it was timed), else the whole ladder's.
            top = next(p for p in ladder if p in names)
            update = warm.get((f"{step}_update_from_{top}", 128),
                              warm.get((f"{step}_update", 128)))
            per_epoch.append((steps * (work + (update or 0.0)) / threads * 1e-6
                              + e.get("probe_seconds", 0.0), "f32" in names))
        return per_epoch

    dps, f32 = seconds(dps_run), seconds(f32_run)
    if dps and f32 and len(dps) == len(f32):
        total = [sum(t for t, _ in run) for run in (dps, f32)]
        print(f"\nBound: both runs' steps perfectly shared by {threads} threads, each kernel at its warm "
              "one-thread time above")
        print(f"  whole runs: dps {total[0]:.2f} s (with its probe), f32 {total[1]:.2f} s: "
              f"at most {ratio(total[1], total[0])}  (target >= 1.5)")
        print(f"  measured (medians above): dps {measured[0]:.2f} s, {100 * total[0] / measured[0]:.0f}% "
              f"of its bound's speed; f32 {measured[1]:.2f} s, {100 * total[1] / measured[1]:.0f}%")
        late = [(d, f) for (d, has_f32), (f, _) in zip(dps, f32) if not has_f32]
        if late:
            d, f = (sum(x) for x in zip(*late))
            print(f"  the {len(late)} epochs without f32 samples: dps {d:.2f} s, f32 {f:.2f} s: "
                  f"at most {ratio(f, d)}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bench-out/cpu")
