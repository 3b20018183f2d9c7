#!/usr/bin/env python3
"""Goldens for `cofail fuse` (METHODS §18), independently of the engine:
  * the split order of §18.2 with Python integers (FNV-1a-64 of "<query>\\x1f<model>\\x1f<j>\\x1f<r>",
    SplitMix64 with the seed, ties by j) on hand examples, and on a synthetic sample file;
  * tetrachoric r by the §2 rule (zero cells → 0.5 with the uncorrected thresholds, the 2×2
    likelihood's root for P11 by scipy.optimize.brentq, then Φ₂⁻¹ by brentq on Φ₂ written with
    scipy.special.owens_t), ρ_intra and ρ_inter as means over pairs;
  * Self-MoA and heterogeneous strict-majority accuracies with numpy and itertools.combinations,
    gains per split and their summary.
The synthetic file: 160 queries × 6 models × 6 samples from a Gaussian single-factor law with an
intra-model correlation (numpy default_rng(20261207)). Writes Tests/CoFailTests/Fixtures/fuse/samples.csv
and Tests/CoFailTests/Goldens/fuse.json. Run from the repository root:
    python3 scripts/goldens/fuse_scipy.py
"""
import csv
import itertools
import json
import math
import os

import numpy as np
from scipy import integrate, optimize, special, stats

from golden_common import fnv1a64, splitmix64

OUT = "Tests/CoFailTests/Goldens/"
FIX = "Tests/CoFailTests/Fixtures/fuse/"
MASK = (1 << 64) - 1


def split_key(query, model, j, r, seed):
    return splitmix64(fnv1a64("%s\x1f%s\x1f%d\x1f%d" % (query, model, j, r)) ^ seed)


def split_order(query, model, samples, r, seed):
    return sorted(samples, key=lambda j: (split_key(query, model, j, r, seed), j))


def bvn(h, k, rho):
    """Φ₂(h, k; ρ): Owen's T formula for non-zero thresholds, else the one-dimensional integral."""
    if rho >= 1:
        return stats.norm.cdf(min(h, k))
    if rho <= -1:
        return max(0.0, stats.norm.cdf(h) + stats.norm.cdf(k) - 1)
    s = math.sqrt(1 - rho * rho)
    if h == 0 or k == 0:
        return integrate.quad(lambda z: stats.norm.pdf(z) * stats.norm.cdf((k - rho * z) / s), -np.inf, h,
                              epsabs=1e-15, epsrel=1e-13)[0]
    beta = 0.0 if h * k > 0 else 0.5
    return (0.5 * (stats.norm.cdf(h) + stats.norm.cdf(k)) - special.owens_t(h, (k - rho * h) / (h * s))
            - special.owens_t(k, (h - rho * k) / (k * s)) - beta)


def tetrachoric(a, b):
    """r of two 0/1 error columns by METHODS §2 (None when a column is constant)."""
    n = len(a)
    n11 = int(np.sum(a & b))
    n10 = int(np.sum(a & (1 - b)))
    n01 = int(np.sum((1 - a) & b))
    n00 = n - n11 - n10 - n01
    pi, pj = (n11 + n10) / n, (n11 + n01) / n
    if pi in (0, 1) or pj in (0, 1):
        return None
    ti, tj = stats.norm.ppf(pi), stats.norm.ppf(pj)
    cells = [n11, n10, n01, n00]
    if min(cells) == 0:
        c11, c10, c01, c00 = [c if c > 0 else 0.5 for c in cells]
        lo, hi = max(0.0, pi + pj - 1), min(pi, pj)

        def score(p):
            return c11 / p - c10 / (pi - p) - c01 / (pj - p) + c00 / (1 - pi - pj + p)
        eps = 1e-15
        p11 = optimize.brentq(score, lo + eps * max(1, lo), hi - eps * max(1, hi), xtol=1e-17, rtol=1e-15,
                              maxiter=500)
    else:
        p11 = n11 / n
    f = lambda r: bvn(ti, tj, r) - p11  # noqa: E731
    lo, hi = -1 + 1e-15, 1 - 1e-15
    if f(lo) >= 0:
        return -1.0
    if f(hi) <= 0:
        return 1.0
    return optimize.brentq(f, lo, hi, xtol=1e-15, rtol=1e-15, maxiter=500)


def mean_tet(columns):
    vals = [tetrachoric(columns[a], columns[b]) for a, b in itertools.combinations(range(len(columns)), 2)]
    vals = [v for v in vals if v is not None]
    return float(np.mean(vals)) if vals else None


def synthetic(path, n=160, m=6, s=6, seed=20261207):
    rng = np.random.default_rng(seed)
    errors = [0.25, 0.3, 0.35, 0.3, 0.45, 0.32]
    loading = [0.5, 0.6, 0.4, 0.55, 0.5, 0.45]
    intra = [0.6, 0.3, 0.8, 0.5, 0.4, 0.7]
    rows = []
    for q in range(n):
        f = rng.normal()
        for i in range(m):
            z = loading[i] * f + math.sqrt(1 - loading[i] ** 2) * rng.normal()
            for j in range(s):
                latent = math.sqrt(intra[i]) * z + math.sqrt(1 - intra[i]) * rng.normal()
                rows.append(("q%03d" % q, "m%d" % i, int(latent > stats.norm.ppf(errors[i])), j))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["query", "model", "correct", "sample"])
        w.writerows(rows)
    return rows


def fuse(rows, lo, hi, k, splits, seed):
    queries, models = [], []
    cells = {}
    for q, mname, c, j in rows:
        if q not in queries:
            queries.append(q)
        if mname not in models:
            models.append(mname)
        cells.setdefault((q, mname), {})[j] = c
    acc0 = {mname: np.mean([cells[(q, mname)][0] for q in queries]) for mname in models}
    band = [mname for mname in models if lo <= acc0[mname] <= hi]
    kept = [mname for mname in band if all(len(cells[(q, mname)]) >= 2 * k for q in queries)]
    best = max(kept, key=lambda mname: (acc0[mname], -models.index(mname)))
    n = len(queries)
    out = []
    for r in range(1, splits + 1):
        order = {(q, mname): split_order(q, mname, sorted(cells[(q, mname)]), r, seed)
                 for q in queries for mname in kept}

        def column(mname, half, pos):
            col = []
            for q in queries:
                o = order[(q, mname)]
                h = len(o) // 2
                part = o[:h] if half == "est" else o[h:]
                col.append(1 - cells[(q, mname)][part[pos]])  # error indicator
            return np.array(col, dtype=np.int64)
        p = min(len(cells[(q, best)]) // 2 for q in queries)
        rho_intra = mean_tet([column(best, "est", a) for a in range(p)])
        rho_inter = mean_tet([column(mname, "est", 0) for mname in kept])
        wrong = np.array([column(best, "eval", a) for a in range(k)])
        self_moa = float(np.mean((k - wrong.sum(axis=0)) * 2 > k))
        first = {mname: 1 - column(mname, "eval", 0) for mname in kept}
        accs = [float(np.mean(sum(first[x] for x in sub) * 2 > k)) for sub in itertools.combinations(kept, k)]
        hetero = float(np.mean(accs))
        out.append({"split": r, "self_moa": self_moa, "hetero": hetero, "gain": hetero - self_moa,
                    "rho_intra": rho_intra, "rho_inter": rho_inter})
    gains = [x["gain"] for x in out]
    return {"best_model": best, "kept": kept, "n_subsets": math.comb(len(kept), k), "splits": out,
            "mean_gain": float(np.mean(gains)), "min_gain": min(gains), "max_gain": max(gains),
            "share_positive": float(np.mean([g > 0 for g in gains])),
            "mean_self_moa": float(np.mean([x["self_moa"] for x in out])),
            "mean_hetero": float(np.mean([x["hetero"] for x in out])),
            "mean_rho_intra": float(np.mean([x["rho_intra"] for x in out])),
            "mean_rho_inter": float(np.mean([x["rho_inter"] for x in out]))}


def main():
    hand = []
    examples = [("q1", "a", range(4), 1, 0), ("q1", "a", range(4), 2, 0), ("é東", "model\u00e9", range(6), 1, 7),
                ("q", "m", range(10), 50, 2 ** 64 - 1)]
    for query, model, samples, r, seed in examples:
        hand.append({"query": query, "model": model, "samples": list(samples), "split": r, "seed": str(seed),
                     "keys": [str(split_key(query, model, j, r, seed)) for j in samples],
                     "order": split_order(query, model, list(samples), r, seed)})
    rows = synthetic(FIX + "samples.csv")
    cases = [{"band": "0.5:0.8", "draws": 3, "n_splits": 4, "seed": 0, **fuse(rows, 0.5, 0.8, 3, 4, 0)},
             {"band": "0:1", "draws": 3, "n_splits": 3, "seed": 11, **fuse(rows, 0.0, 1.0, 3, 3, 11)}]
    for c in cases:
        print(c["band"], c["best_model"], c["kept"], round(c["mean_gain"], 4), round(c["mean_rho_intra"], 4))
    with open(OUT + "fuse.json", "w") as f:
        json.dump({"hand": hand, "cases": cases}, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
