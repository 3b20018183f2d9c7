#!/usr/bin/env python3
"""`cofail decide` at the sizes of METHODS §17.6, whole process, release build, 2 threads:
  * MATH level 5 (43 models × 425 complete queries, 5 folds, no costs, types or texts);
  * a generated deployment log (scripts/gen/decide_example.py) of 67 models × 10⁴ queries with
    costs, types, confidences and prompts, at a budget of $0.002/query (every candidate);
and, side by side in the same run, cofail against the independent Python implementation of
scripts/goldens/decide_scipy.py (numpy/SciPy/scikit-learn, brute force: every cascade threshold
from its own mask, every vote subset with itertools) on a smaller log (N queries × 8 models, with
prompts and a budget), where the Python run takes minutes rather than hours.
Usage, from the repository root after `swift build -c release`:
    python3 Benchmarks/decide.py [N]   (default 1000)
"""
import csv
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "scripts", "gen"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "scripts", "goldens"))
import decide_example  # noqa: E402
import decide_scipy  # noqa: E402

EXE = ".build/release/cofail"


def timed(args, repeat=3):
    best = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([EXE] + args + ["--threads", "2"], check=True, stdout=subprocess.DEVNULL)
        best.append(time.perf_counter() - t)
    return min(best), max(best)


def main():
    n_small = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    tmp = tempfile.mkdtemp(prefix="cofail-decide-bench-")
    lo, hi = timed(["decide", "examples/zeroeval_math_l5/matrix.csv"])
    print("MATH level 5, 43 × 425, 5 folds:                  cofail %.2f–%.2f s" % (lo, hi))
    big = os.path.join(tmp, "big")
    decide_example.write(big, 10000, 3, 67)
    lo, hi = timed(["decide", big + "/matrix.csv", "--texts", big + "/prompts.csv", "--budget", "0.002"], 2)
    print("67 × 10^4, costs, types, confidences, prompts:     cofail %.2f–%.2f s" % (lo, hi))
    small = os.path.join(tmp, "small")
    decide_example.write(small, n_small, 5, 8)
    lo, hi = timed(["decide", small + "/matrix.csv", "--texts", small + "/prompts.csv", "--budget", "0.002"])
    ids, names, y, cost, types, conf = decide_scipy.load_long(small + "/matrix.csv")
    with open(small + "/prompts.csv", newline="") as f:
        texts = dict(list(csv.reader(f))[1:])
    t = time.perf_counter()
    decide_scipy.decide(ids, names, y, cost, types, conf, [texts[q] for q in ids], 0.002)
    py = time.perf_counter() - t
    print("%d × 8 with prompts: cofail %.2f–%.2f s (whole process), Python reference %.1f s (in process): %.0f×"
          % (n_small, lo, hi, py, py / hi))


if __name__ == "__main__":
    main()
