#!/usr/bin/env python3
"""Goldens for `cofail timeline` (METHODS §19), independently of the engine, with numpy/SciPy:
for every distinct release date d of examples/zeroeval_math_l5/timeline.csv, the pool P(d) of
models released on or before d (complete queries of the MATH level-5 matrix, coverage applied once
over all models), its best model (ties: cheaper, then input order), β with the Clopper–Pearson
interval by scipy.stats.beta.ppf, G, the best single model's dollars per correct (min over P(d) of
mean cost / accuracy, costs from model_costs.csv), the per-query oracle's least dollars per correct
(each query's hull by definition — its cheapest model, then its cheapest correct model — every
vertex of the merged frontier enumerated and B/V minimised) and the option value A*(d) − A*(d₀) for
d₀ the first date and for d₀ = 2024-06-01. Writes Tests/CoFailTests/Goldens/timeline.json. Run from
the repository root:  python3 scripts/goldens/timeline_scipy.py
"""
import csv
import json

import numpy as np
from scipy import stats

OUT = "Tests/CoFailTests/Goldens/"
ALPHA = 0.05


def load():
    with open("examples/zeroeval_math_l5/matrix.csv", newline="") as f:
        rows = list(csv.reader(f))
    names = rows[0][1:]
    keep = [r for r in rows[1:] if all(c.strip() != "" for c in r[1:])]
    y = np.array([[int(c) for c in r[1:]] for r in keep], dtype=float)
    with open("examples/zeroeval_math_l5/timeline.csv", newline="") as f:
        released = {r["model"]: r["released"] for r in csv.DictReader(f)}
    with open("examples/zeroeval_math_l5/model_costs.csv", newline="") as f:
        cost = {r["model"]: float(r["cost"]) for r in csv.DictReader(f)}
    return names, y, released, np.array([cost[m] for m in names])


def oracle_min_cost_per_correct(y, c):
    n = y.shape[0]
    base_cost, base_right, steps = 0.0, 0, []
    for q in range(n):
        cheapest = min(range(len(c)), key=lambda i: (c[i], -y[q, i]))
        base_cost += c[cheapest]
        if y[q, cheapest] == 1:
            base_right += 1
        elif y[q].max() == 1:
            steps.append(min(c[i] for i in range(len(c)) if y[q, i] == 1) - c[cheapest])
    best = None
    budget, right = base_cost, base_right
    for k, d in enumerate([None] + sorted(steps)):
        if d is not None:
            budget += d
            right += 1
        if right > 0:
            r = (budget / n) / (right / n)
            best = r if best is None else min(best, r)
    return best


def timeline(names, y, released, cost, commit):
    n = y.shape[0]
    acc = y.mean(axis=0)
    dates = sorted(set(released[m] for m in names))
    rows = []
    commit_pool = [i for i, m in enumerate(names) if released[m] <= commit]
    a0 = max(acc[i] for i in commit_pool)
    for d in dates:
        pool = [i for i, m in enumerate(names) if released[m] <= d]
        best = min(pool, key=lambda i: (-y[:, i].sum(), cost[i], i))
        k = int((y[:, pool].max(axis=1) == 0).sum())
        lo = 0.0 if k == 0 else float(stats.beta.ppf(ALPHA / 2, k, n - k + 1))
        hi = 1.0 if k == n else float(stats.beta.ppf(1 - ALPHA / 2, k + 1, n - k))
        per = [cost[i] / acc[i] for i in pool if acc[i] > 0]
        rows.append({
            "date": d, "new_models": [names[i] for i in pool if released[names[i]] == d], "n_models": len(pool),
            "best_model": names[best], "best_accuracy": float(acc[best]), "k_all_wrong": k, "beta": k / n,
            "beta_ci_lo": lo, "beta_ci_hi": hi, "oracle_accuracy": 1 - k / n,
            "oracle_gain": 1 - k / n - float(acc[best]),
            "best_single_cost_per_correct": min(per) if per else None,
            "oracle_min_cost_per_correct": oracle_min_cost_per_correct(y[:, pool], cost[pool]),
            "option_value": float(acc[best]) - float(a0)})
    return {"commit": commit, "dates": rows,
            "cost_per_correct_fall": rows[0]["best_single_cost_per_correct"] / rows[-1]["best_single_cost_per_correct"],
            "oracle_cost_per_correct_fall":
                rows[0]["oracle_min_cost_per_correct"] / rows[-1]["oracle_min_cost_per_correct"]}


def main():
    names, y, released, cost = load()
    first = min(released[m] for m in names)
    out = [timeline(names, y, released, cost, first), timeline(names, y, released, cost, "2024-06-01")]
    for t in out:
        print(t["commit"], len(t["dates"]), "dates; fall", round(t["cost_per_correct_fall"], 2),
              round(t["oracle_cost_per_correct_fall"], 2), "; last option value",
              round(t["dates"][-1]["option_value"], 4))
    with open(OUT + "timeline.json", "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
