#!/usr/bin/env python3
"""Goldens for `cofail route` (METHODS §12) from the linear programme itself.

For each case and partition (none, type, query) the programme (P_B) of §12.3 —
maximise sum_t pi_t sum_m x_tm q_tm subject to sum_t pi_t sum_m x_tm c_tm <= B, x_t in the
simplex — is solved with scipy.optimize.linprog (method="highs") at 60 budgets drawn uniformly
between budget_min and 1.1 x oracle_cost (almost surely not vertices of V), plus one budget
below budget_min (infeasible). V(B) is -res.fun and the shadow price lambda(B) is
-res.ineqlin.marginals[0] (unique away from vertices). budget_min, oracle_cost and
oracle_value come from their definitions with numpy (min cost per type; the cheapest among the
best models per type; the best quality per type).

Cases: a hand-checkable 4-query x 3-model matrix with a free model, ties and a type nobody
solves; and a generated long matrix (numpy default_rng(20261129): 240 queries, 6 models,
5 types, per-cell costs). Writes Tests/CoFailTests/Goldens/route_hand.csv,
route_synthetic.csv and route.json. Run from the repository root:
    python3 scripts/goldens/route_scipy.py
"""
import csv
import json

import numpy as np
from scipy.optimize import linprog

OUT = "Tests/CoFailTests/Goldens/"


def hand_case():
    # query, type, then (correct, cost) for models a, b, c. Model c is free; on q3 nobody is right.
    rows = [
        ("q1", "easy", [(1, 0.002), (1, 0.010), (0, 0.0)]),
        ("q2", "easy", [(0, 0.002), (1, 0.010), (1, 0.0)]),
        ("q3", "hard", [(0, 0.004), (0, 0.020), (0, 0.0)]),
        ("q4", "hard", [(1, 0.004), (1, 0.020), (0, 0.0)]),
    ]
    models = ["a", "b", "c"]
    records = []
    for q, t, cells in rows:
        for name, (y, c) in zip(models, cells):
            records.append((q, name, y, c, t))
    return models, records


def synthetic_case():
    rng = np.random.default_rng(20261129)
    n, m, t = 240, 6, 5
    models = [f"m{i}" for i in range(m)]
    price = np.array([0.2, 0.5, 1.0, 2.0, 4.0, 8.0]) * 1e-3
    skill = rng.normal(0.0, 1.0, size=(t, m)) + np.linspace(-1.0, 1.0, m)
    types = rng.integers(0, t, size=n)
    tokens = rng.integers(50, 400, size=n)
    records = []
    for q in range(n):
        difficulty = rng.normal()
        for i in range(m):
            p = 1 / (1 + np.exp(-(skill[types[q], i] - difficulty)))
            y = int(rng.random() < p)
            c = round(float(price[i] * tokens[q] / 100 * rng.uniform(0.8, 1.2)), 8)
            records.append((f"q{q:03d}", models[i], y, c, f"t{types[q]}"))
    return models, records


def write_long(path, records):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["query", "model", "correct", "cost", "type"])
        for r in records:
            w.writerow([r[0], r[1], r[2], repr(r[3]), r[4]])


def per_type(models, records, partition):
    queries = []
    qtype = {}
    y = {}
    c = {}
    for q, name, yy, cc, t in records:
        if q not in qtype:
            queries.append(q)
            qtype[q] = t
        y[(q, name)] = yy
        c[(q, name)] = cc
    if partition == "none":
        key = {q: "all" for q in queries}
    elif partition == "type":
        key = qtype
    else:
        key = {q: q for q in queries}
    types = []
    for q in queries:
        if key[q] not in types:
            types.append(key[q])
    n = len(queries)
    pi = np.array([sum(1 for q in queries if key[q] == t) / n for t in types])
    qual = np.array([[np.mean([y[(q, mm)] for q in queries if key[q] == t]) for mm in models] for t in types])
    cost = np.array([[np.mean([c[(q, mm)] for q in queries if key[q] == t]) for mm in models] for t in types])
    return pi, qual, cost


def solve(pi, qual, cost, budget):
    t, m = qual.shape
    objective = -(pi[:, None] * qual).ravel()
    a_ub = (pi[:, None] * cost).ravel()[None, :]
    a_eq = np.zeros((t, t * m))
    for k in range(t):
        a_eq[k, k * m:(k + 1) * m] = 1
    res = linprog(
        objective, A_ub=a_ub, b_ub=[budget], A_eq=a_eq, b_eq=np.ones(t), bounds=(0, None), method="highs",
        options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10})
    if res.status == 2:
        return None, None
    assert res.status == 0, res.message
    return -res.fun, -res.ineqlin.marginals[0]


def case_goldens(models, records, partitions, seed):
    rng = np.random.default_rng(seed)
    out = {}
    for p in partitions:
        pi, qual, cost = per_type(models, records, p)
        budget_min = float(np.sum(pi * cost.min(axis=1)))
        best = qual.max(axis=1)
        oracle_cost = float(np.sum(pi * np.array(
            [cost[k][qual[k] == best[k]].min() for k in range(len(pi))])))
        oracle_value = float(np.sum(pi * best))
        points = []
        hi = 1.1 * oracle_cost if oracle_cost > budget_min else budget_min + 1e-3
        for b in sorted(rng.uniform(budget_min, hi, size=60)):
            v, lam = solve(pi, qual, cost, float(b))
            points.append({"budget": float(b), "value": v, "lambda": lam})
        below = budget_min * 0.5 if budget_min > 0 else None
        if below is not None:
            v, _ = solve(pi, qual, cost, below)
            assert v is None
            points.append({"budget": below, "value": None, "lambda": None})
        out[p] = {"budget_min": budget_min, "oracle_cost": oracle_cost, "oracle_value": oracle_value,
                  "points": points}
    return out


def main():
    goldens = {}
    models, records = hand_case()
    write_long(OUT + "route_hand.csv", records)
    goldens["hand"] = case_goldens(models, records, ["none", "type", "query"], 1)
    models, records = synthetic_case()
    write_long(OUT + "route_synthetic.csv", records)
    goldens["synthetic"] = case_goldens(models, records, ["none", "type", "query"], 2)
    with open(OUT + "route.json", "w") as f:
        json.dump(goldens, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
