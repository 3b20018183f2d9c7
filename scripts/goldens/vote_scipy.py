#!/usr/bin/env python3
"""Goldens for `cofail vote` (METHODS §11) from numpy/SciPy, by brute force:
itertools.combinations for the subsets, numpy.linalg.lstsq for every fit, a full refit without
the subsets containing each model for the jackknife, scipy.stats.t for its quantile, and
scipy.integrate.quad (points at the step) for the majority error E_m of §11.7.

Writes Tests/CoFailTests/Goldens/vote.json. Run from the repository root:
    python3 scripts/goldens/vote_scipy.py
"""
import csv
import itertools
import json
import math

import numpy as np
from scipy import integrate, special, stats

ALPHA = 0.05


def load_wide(path):
    """Complete queries of a wide 0/1 CSV (METHODS §0 default policy)."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    names = rows[0][1:]
    keep = [r for r in rows[1:] if all(c.strip() != "" for c in r[1:])]
    y = np.array([[int(c) for c in r[1:]] for r in keep], dtype=np.int64)
    return names, y


def phi_matrix(y):
    e = 1 - y
    n, m = e.shape
    out = np.full((m, m), np.nan)
    for i in range(m):
        for j in range(m):
            n11 = np.sum(e[:, i] & e[:, j])
            n10 = np.sum(e[:, i] & (1 - e[:, j]))
            n01 = np.sum((1 - e[:, i]) & e[:, j])
            n00 = n - n11 - n10 - n01
            den = math.sqrt((n11 + n10) * (n01 + n00) * (n11 + n01) * (n10 + n00))
            out[i, j] = (n11 * n00 - n10 * n01) / den if den > 0 else np.nan
    return out


def subset_table(y, k):
    n, m = y.shape
    acc = y.mean(axis=0)
    phi = phi_matrix(y)
    rows = []
    for s in itertools.combinations(range(m), k):
        c = y[:, s].sum(axis=1)
        a_v = np.mean(2 * c > k)
        a_u = np.mean((c >= 2) + (c == 1) / k)
        oracle = np.mean(c >= 1)
        best = max(acc[list(s)])
        mean_acc = np.mean(acc[list(s)])
        pair_phi = [phi[i, j] for i, j in itertools.combinations(s, 2)]
        rho = float(np.mean(pair_phi)) if not any(np.isnan(pair_phi)) else None
        rows.append(dict(members=s, a_v=a_v, a_u=a_u, oracle=oracle, best=best, mean_acc=mean_acc,
                         g=a_v - best, g_u=a_u - best, h=best - mean_acc, rho=rho))
    return rows, phi


def ols(rows, control):
    use = [r for r in rows if r["rho"] is not None]
    x = np.array([[1.0, r["rho"], r["h"]] if control == "headroom" else [1.0, r["rho"]] for r in use])
    g = np.array([r["g"] for r in use])
    b, rss, rank, _ = np.linalg.lstsq(x, g, rcond=None)
    resid = g - x @ b
    rss = float(resid @ resid)
    p = x.shape[1]
    s2 = rss / (len(g) - p)
    ols_se = np.sqrt(np.diag(s2 * np.linalg.inv(x.T @ x)))
    tss = float(((g - g.mean()) ** 2).sum())
    return b, ols_se, 1 - rss / tss, use


def jackknife(values):
    values = np.array(values)
    g = len(values)
    mean = values.mean(axis=0)
    return np.sqrt((g - 1) / g * ((values - mean) ** 2).sum(axis=0)), mean


def vote_case(y, k, control):
    n, m = y.shape
    rows, phi = subset_table(y, k)
    b, ols_se, r2, use = ols(rows, control)
    clusters = sorted({i for r in use for i in r["members"]})
    leave = []
    for i in clusters:
        rest = [r for r in use if i not in r["members"]]
        bi, _, _, _ = ols(rest, control)
        leave.append(bi)
    se, mean = jackknife(leave)
    t = stats.t.ppf(1 - ALPHA / 2, len(clusters) - 1)
    gains = [r["g"] for r in rows]
    all_clusters = sorted({i for r in rows for i in r["members"]})
    gain_leave = [np.mean([r["g"] for r in rows if i not in r["members"]]) for i in all_clusters]
    gse, _ = jackknife(gain_leave)
    tg = stats.t.ppf(1 - ALPHA / 2, len(all_clusters) - 1)
    c_all = y.sum(axis=1)
    return dict(
        subsets=len(rows),
        mean_vote_accuracy=float(np.mean([r["a_v"] for r in rows])),
        mean_vote_accuracy_upper=float(np.mean([r["a_u"] for r in rows])),
        mean_best_member_accuracy=float(np.mean([r["best"] for r in rows])),
        mean_vote_gain=float(np.mean(gains)),
        mean_vote_gain_upper=float(np.mean([r["g_u"] for r in rows])),
        share_positive_gain=float(np.mean([g > 0 for g in gains])),
        share_negative_gain=float(np.mean([g < 0 for g in gains])),
        mean_headroom=float(np.mean([r["h"] for r in rows])),
        mean_subset_phi=float(np.mean([r["rho"] for r in use])),
        mean_subset_oracle_accuracy=float(np.mean([r["oracle"] for r in rows])),
        pool_vote_accuracy=float(np.mean(2 * c_all > m)),
        pool_mean_phi=float(np.nanmean([phi[i, j] for i, j in itertools.combinations(range(m), 2)])),
        jackknife_t_quantile=float(tg),
        mean_vote_gain_jackknife_se=float(gse),
        mean_vote_gain_jackknife_lo=float(np.mean(gains) - tg * gse),
        mean_vote_gain_jackknife_hi=float(np.mean(gains) + tg * gse),
        phi_regression=dict(control=control, estimate=b.tolist(), ols_se=ols_se.tolist(), r_squared=r2,
                            jackknife_se=se.tolist(), jackknife_mean=mean.tolist(),
                            jackknife_lo=(b - t * se).tolist(), jackknife_hi=(b + t * se).tolist(),
                            clusters=len(clusters), subsets_used=len(use)),
    )


def majority_error(p, rho, m):
    """E_m = ∫ φ(f) P(Bin(m, π(f)) >= ⌈m/2⌉) df, π(f) = Φ((Φ⁻¹(p) − √ρ f)/√(1−ρ))."""
    h = (m + 1) // 2
    tau = stats.norm.ppf(p)
    sr, s1r = math.sqrt(rho), math.sqrt(1 - rho)

    def f(x):
        pi = stats.norm.cdf((tau - sr * x) / s1r)
        return stats.norm.pdf(x) * special.betainc(h, m - h + 1, pi)

    fstar, w = tau / sr, 8 * math.sqrt((1 - rho) / rho) / math.sqrt(m)
    pts = sorted(v for v in (fstar - w, fstar, fstar + w, 0.0) if -40 < v < 40)
    val, _ = integrate.quad(f, -40, 40, points=pts, epsabs=0, epsrel=1e-12, limit=500)
    return val


def main():
    names, y = load_wide("examples/zeroeval_math_l5/matrix.csv")
    hand = np.array([
        [1, 1, 0, 1, 0, 1], [1, 0, 1, 1, 1, 0], [0, 0, 0, 1, 0, 0], [1, 1, 1, 0, 1, 1], [0, 1, 0, 0, 1, 1],
        [1, 1, 1, 1, 1, 0], [0, 0, 1, 0, 0, 1], [1, 0, 0, 1, 1, 1], [0, 1, 1, 1, 0, 0], [1, 1, 0, 0, 0, 1],
        [0, 0, 0, 0, 1, 0], [1, 0, 1, 0, 1, 1],
    ])
    grid = [(0.3, 0.4, m) for m in (1, 3, 5, 11, 51, 201, 1001)] + [(0.1, 0.1, 21), (0.45, 0.9, 101),
                                                                   (0.7, 0.3, 15), (0.2, 0.05, 10001)]
    out = dict(
        source="scripts/goldens/vote_scipy.py (numpy lstsq, brute-force leave-one-model-out refits, "
               "scipy.stats.t, scipy.integrate.quad + scipy.special.betainc)",
        math_l5=dict(n_queries=int(y.shape[0]), n_models=int(y.shape[1]),
                     headroom=vote_case(y, 3, "headroom"), none=vote_case(y, 3, "none")),
        hand=dict(matrix=hand.tolist(), headroom=vote_case(hand, 3, "headroom"), none=vote_case(hand, 3, "none")),
        majority_error=[dict(error=p, rho=r, m=m, value=majority_error(p, r, m)) for p, r, m in grid],
        floor=[dict(error=p, rho=r, value=float(stats.norm.cdf(stats.norm.ppf(p) / math.sqrt(r))))
               for p, r in [(0.3, 0.4), (0.1, 0.1), (0.45, 0.9), (0.7, 0.3)]],
    )
    with open("Tests/CoFailTests/Goldens/vote.json", "w") as f:
        json.dump(out, f, indent=1)
    print("wrote Tests/CoFailTests/Goldens/vote.json")


if __name__ == "__main__":
    main()
