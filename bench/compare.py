#!/usr/bin/env python3
"""Runs the Kiln and PyTorch workloads side by side and prints Kiln/PyTorch.

    python3 bench/compare.py [--threads 1 --threads 2] [--workload ID]... [--markdown]

Builds `examples/bench` in release mode, then for each thread count and each
workload runs Kiln and PyTorch one after the other (so both see the same
machine load), each in its own process, and prints a table of medians and
the ratio Kiln time / PyTorch time of the medians (for sgemm: PyTorch
GFLOP/s / Kiln GFLOP/s, so below 1 is better everywhere) next to the
issue's target. The ratio of the fastest steps (`min ratio`) and of the
process CPU time per step (`cpu ratio`) are printed too: on a loaded
machine they are the steadier figures (with 2 threads the CPU time also
counts the threads' spin-waiting). When Kiln substitutes an optimizer (see
examples/bench/optim.rs), PyTorch is told to run the same one.
"""

import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IDS = ["mlp", "lenet", "wide", "cnn", "mnist_example", "lstm", "transformer", "infer1", "sgemm"]
# The targets for Kiln/PyTorch (sgemm: vs the gemm crate, see docs).
TARGETS = {"mlp": 0.8, "lenet": 0.35, "wide": 0.9, "cnn": 0.7, "mnist_example": 0.7, "lstm": 0.7,
           "transformer": 0.8, "infer1": 0.3}


def run_json(cmd):
    out = subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.PIPE,
                         text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, action="append", default=[])
    p.add_argument("--workload", action="append", default=[])
    p.add_argument("--markdown", action="store_true",
                   help="print a Markdown table (for docs/benchmarks.md)")
    args = p.parse_args()
    threads = args.threads or [1, 2]
    ids = args.workload or IDS
    subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "bench"],
                   cwd=ROOT, check=True)
    kiln_bin = os.path.join(ROOT, "target", "release", "examples", "bench")
    nice = ["nice", "-n", "5"]
    rows = []
    for t in threads:
        for wid in ids:
            k = run_json(nice + [kiln_bin, "--threads", str(t), "--workload", wid,
                                 "--json"])[wid]
            extra = []
            if "optimizer" in k:
                extra = ["--optimizer", f"{wid}={k['optimizer']}"]
            py = run_json(nice + [sys.executable, "bench/torch_workloads.py",
                                  "--threads", str(t), "--workload", wid, "--json"]
                          + extra)[wid]
            if wid == "sgemm":
                ratio = py["gflops"] / k["gflops"]
                min_ratio = k["min_us"] / py["min_us"]
                kv = f"{k['gflops']:.1f} GF/s"
                pv = f"{py['gflops']:.1f} GF/s"
            else:
                ratio = k["median_us"] / py["median_us"]
                min_ratio = k["min_us"] / py["min_us"]
                kv = f"{k['median_us']:.1f} µs"
                pv = f"{py['median_us']:.1f} µs"
            cpu_ratio = k["cpu_us_per_step"] / py["cpu_us_per_step"]
            target = TARGETS.get(wid)
            verdict = "-" if target is None else ("met" if ratio <= target else "missed")
            rows.append((wid, t, kv, pv, ratio, min_ratio, cpu_ratio, target, verdict,
                         k.get("allocs_per_step"), k.get("optimizer", "-")))
            print(f"  {wid} x{t}: kiln {kv}, torch {pv}", file=sys.stderr, flush=True)
    head = ["workload", "threads", "Kiln median", "PyTorch median", "ratio",
            "min ratio", "cpu ratio", "target", "", "allocs/step", "optimizer"]
    fmt = lambda r: [r[0], str(r[1]), r[2], r[3], f"{r[4]:.2f}", f"{r[5]:.2f}",
                     f"{r[6]:.2f}", "-" if r[7] is None else f"≤ {r[7]}", r[8],
                     "-" if r[9] is None else f"{r[9]:g}", r[10]]
    table = [head] + [fmt(r) for r in rows]
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + " --- |" * len(head))
        for r in table[1:]:
            print("| " + " | ".join(r) + " |")
    else:
        widths = [max(len(r[i]) for r in table) for i in range(len(head))]
        for r in table:
            print("  ".join(c.rjust(w) for c, w in zip(r, widths)))
    print(f"load average: {os.getloadavg()[0]:.2f} (after the run)")


if __name__ == "__main__":
    main()
