#!/usr/bin/env python3
"""Golden Clopper–Pearson bounds (METHODS §1) from SciPy: scipy.stats.beta.ppf
(Boost ibeta_inv). Two-sided: lo = beta.ppf(α/2, k, n−k+1) (0 if k=0),
hi = beta.ppf(1−α/2, k+1, n−k) (1 if k=n); one-sided lower: beta.ppf(δ, k, n−k+1).
Writes Tests/CoFailTests/Goldens/clopper_pearson.csv (k,n,level,lo,hi,lower)."""
import csv, os
from scipy.stats import beta

cases = [(0, 1), (1, 1), (0, 10), (3, 10), (10, 10), (0, 330), (1, 330), (16, 425), (18, 721),
         (330, 330), (5, 100000), (0, 100000), (50000, 100000), (99999, 100000), (922, 12032), (2, 7)]
levels = [0.05, 0.01, 0.1]
out = os.path.join(os.path.dirname(__file__), "../../Tests/CoFailTests/Goldens/clopper_pearson.csv")
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["k", "n", "level", "lo", "hi", "lower"])
    for k, n in cases:
        for a in levels:
            lo = 0.0 if k == 0 else beta.ppf(a / 2, k, n - k + 1)
            hi = 1.0 if k == n else beta.ppf(1 - a / 2, k + 1, n - k)
            lower = 0.0 if k == 0 else beta.ppf(a, k, n - k + 1)
            w.writerow([k, n, a, repr(float(lo)), repr(float(hi)), repr(float(lower))])
