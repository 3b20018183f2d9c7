#!/usr/bin/env python3
"""`cofail timeline` at the size of the issue's target (1,000 models × 10⁴ queries), whole process,
release build (the loader reads on every core; the timeline itself is one pass): a matrix from
`cofail simulate matrix --law gaussian` (wide CSV), release
dates drawn over 2023–2025 (numpy, about 600 distinct dates) and constant per-model prices
log-uniform over $0.0001–$0.05 per query. Usage, from the repository root after
`swift build -c release`:
    python3 Benchmarks/timeline.py [MODELS] [QUERIES]
"""
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

EXE = ".build/release/cofail"


def main():
    m = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    tmp = tempfile.mkdtemp(prefix="cofail-timeline-bench-")
    matrix = os.path.join(tmp, "matrix.csv")
    subprocess.run([EXE, "simulate", "matrix", "--law", "gaussian", "--rho", "0.3", "--error", "0.4",
                    "--heterogeneous", "0.15", "--queries", str(n), "--models", str(m), "--seed", "4", "-o", matrix],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(matrix) as f:
        names = f.readline().rstrip("\n").split(",")[1:]
    rng = np.random.default_rng(5)
    days = rng.integers(0, 1095, m)
    price = np.exp(rng.uniform(np.log(1e-4), np.log(0.05), m))
    registry, costs = os.path.join(tmp, "registry.csv"), os.path.join(tmp, "costs.csv")
    with open(registry, "w") as f, open(costs, "w") as g:
        f.write("model,family,released\n")
        g.write("model,cost\n")
        for name, d, p in zip(names, days, price):
            date = np.datetime64("2023-01-01") + np.timedelta64(int(d), "D")
            f.write("%s,synthetic,%s\n" % (name, date))
            g.write("%s,%.6g\n" % (name, p))
    times = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([EXE, "timeline", matrix, "--registry", registry, "--model-costs", costs], check=True,
                       stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    print("timeline, %d models × %d queries, %d release dates: %.2f–%.2f s"
          % (m, n, len(set(days)), min(times), max(times)))


if __name__ == "__main__":
    main()
