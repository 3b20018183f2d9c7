#!/usr/bin/env python3
"""Golden bootstrap interval conventions (README "Bootstrap"), computed with numpy/SciPy on a
fixed, tie-heavy replicate set (values on a 1/n grid, as binary statistics are):
  percentile: numpy.quantile(method="linear") (R type 7) at α/2, 1−α/2;
  BCa: z0 = scipy.stats.norm.ppf((#{θ*<θ̂} + 0.5·#{θ*=θ̂})/B), a = Σd³/(6(Σd²)^1.5) with
       d = mean(jack) − jack, levels Φ(z0 + (z0+z)/(1−a(z0+z))), then numpy.quantile.
Spearman: scipy.stats.spearmanr on a fixed pair of vectors with ties.
Writes Tests/CoFailTests/Goldens/intervals.csv and intervals_input.csv."""
import csv, os
import numpy as np
from scipy import stats

rng = np.random.default_rng(20261129)
n = 330
reps = rng.binomial(n, 0.0376, size=2000) / n          # β* on the 1/n grid
jack = 12 / (n - 2) + rng.normal(0, 0.0004, size=200)  # jackknife values
est = 12 / n
gold = os.path.join(os.path.dirname(__file__), "../../Tests/CoFailTests/Goldens")
with open(os.path.join(gold, "intervals_input.csv"), "w", newline="") as f:
    w = csv.writer(f); w.writerow(["kind", "value"])
    for v in reps: w.writerow(["replicate", repr(float(v))])
    for v in jack: w.writerow(["jackknife", repr(float(v))])
    w.writerow(["estimate", repr(est)])
    for x, y in zip([2, 3, 4, 5, 6, 7, 8, 9], [1.0, 1.2, 1.1, 1.5, 1.5, 1.9, 1.7, 2.4]):
        w.writerow(["spearman_x", repr(float(x))]); w.writerow(["spearman_y", repr(y)])
rows = []
for alpha in (0.05, 0.1):
    lo, hi = np.quantile(reps, [alpha / 2, 1 - alpha / 2], method="linear")
    share = (np.sum(reps < est) + 0.5 * np.sum(reps == est)) / len(reps)
    z0 = stats.norm.ppf(share)
    d = jack.mean() - jack
    a = np.sum(d ** 3) / (6 * np.sum(d ** 2) ** 1.5)
    lv = [stats.norm.cdf(z0 + (z0 + z) / (1 - a * (z0 + z))) for z in stats.norm.ppf([alpha / 2, 1 - alpha / 2])]
    blo, bhi = np.quantile(reps, lv, method="linear")
    rows.append([alpha, repr(float(lo)), repr(float(hi)), repr(float(blo)), repr(float(bhi))])
rho = stats.spearmanr([2, 3, 4, 5, 6, 7, 8, 9], [1.0, 1.2, 1.1, 1.5, 1.5, 1.9, 1.7, 2.4]).statistic
with open(os.path.join(gold, "intervals.csv"), "w", newline="") as f:
    w = csv.writer(f); w.writerow(["alpha", "ci_lo", "ci_hi", "bca_lo", "bca_hi"])
    w.writerows(rows)
with open(os.path.join(gold, "spearman.csv"), "w", newline="") as f:
    w = csv.writer(f); w.writerow(["rho"]); w.writerow([repr(float(rho))])
print(rows, rho)
