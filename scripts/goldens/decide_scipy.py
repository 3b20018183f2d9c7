#!/usr/bin/env python3
"""Goldens for `cofail decide` (METHODS §17), independently of the engine, by brute force:
  * folds of §13.7 with Python integers (golden_common.seeded_order);
  * single_best, cheapest_within_band: numpy means of the training folds, the §17.3 ties;
  * best_mixture: the none-frontier hull of the training models (learned_sklearn.mixture);
  * vote: itertools.combinations over the K most accurate training models, strict majority by numpy;
  * route_type: without a budget each training type's most accurate model; with one, the type
    programme of §12.3 solved by scipy.optimize.linprog (method="highs") on the training queries,
    its one fractional type rounded to the cheaper model; below every type's cheapest model, each
    type's cheapest model;
  * route_knn, route_logistic: learned_sklearn.pipeline (numpy kNN, scikit-learn LogisticRegression);
  * cascade: every (S, L) pair and every threshold of the training confidences (and +inf) from its
    own mask, the §17.3 item 7 ties;
  * the paired comparison: scipy.stats.norm.ppf for the interval, scipy.stats.binom.cdf for McNemar;
    captured share against the in-sample best model and oracle; the recommendation of §17.5.
Cases: MATH level 5 (no costs: single best and vote), and a synthetic deployment log
(scripts/gen/decide_example.py, 400 queries, 8 models, seed 5: costs, types, confidences, prompts)
without a budget, at $0.002/query with the prompts, and at a budget below every model.
Writes Tests/CoFailTests/Goldens/decide.json and the fixture Tests/CoFailTests/Fixtures/decide/.
Needs numpy, scipy and scikit-learn. Run from the repository root:
    python3 scripts/goldens/decide_scipy.py
"""
import csv
import itertools
import json
import math
import os
import sys

import numpy as np
from scipy import stats
from scipy.optimize import linprog

from golden_common import seeded_order
from learned_sklearn import mixture, pipeline

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "gen"))
import decide_example  # noqa: E402

OUT = "Tests/CoFailTests/Goldens/"
FIX = "Tests/CoFailTests/Fixtures/decide/"
CANDIDATES = ["single_best", "best_mixture", "cheapest_within_band", "vote", "route_type", "route_knn",
              "route_logistic", "cascade"]


def load_wide(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    names = rows[0][1:]
    keep = [r for r in rows[1:] if all(c.strip() != "" for c in r[1:])]
    return [r[0] for r in keep], names, np.array([[int(c) for c in r[1:]] for r in keep], dtype=float)


def load_long(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))[1:]
    ids, models = [], []
    for r in rows:
        if r[0] not in ids:
            ids.append(r[0])
        if r[1] not in models:
            models.append(r[1])
    qi = {q: j for j, q in enumerate(ids)}
    n, m = len(ids), len(models)
    y, cost, conf = np.zeros((n, m)), np.zeros((n, m)), np.full((n, m), np.nan)
    types = [None] * n
    for q, name, c, price, t, s in rows:
        i = models.index(name)
        y[qi[q], i] = int(c)
        cost[qi[q], i] = float(price)
        types[qi[q]] = t
        if s != "":
            conf[qi[q], i] = float(s)
    return ids, models, y, cost, types, conf


def single_best(y, cost, budget):
    acc, cbar = y.mean(axis=0), cost.mean(axis=0)
    pool = [i for i in range(y.shape[1]) if budget is None or cbar[i] <= budget]
    if not pool:
        return min(range(y.shape[1]), key=lambda i: (cbar[i], -acc[i], i)), False
    return min(pool, key=lambda i: (-y[:, i].sum(), cbar[i], i)), True


def type_policy(y, cost, types, budget):
    """Model per training type: §17.3 item 5 (the LP at the budget, its fractional type rounded down)."""
    names = []
    for t in types:
        if t not in names:
            names.append(t)
    n, m = y.shape
    rows = {t: [r for r in range(n) if types[r] == t] for t in names}
    q = {t: y[rows[t]].mean(axis=0) for t in names}
    c = {t: cost[rows[t]].mean(axis=0) for t in names}
    pi = {t: len(rows[t]) / n for t in names}
    if budget is None:
        return {t: min(range(m), key=lambda i: (-y[rows[t], i].sum(), cost[rows[t], i].sum(), i)) for t in names}, True
    cheapest = {t: min(range(m), key=lambda i: (c[t][i], -q[t][i], i)) for t in names}
    if budget < sum(pi[t] * c[t][cheapest[t]] for t in names):
        return cheapest, False
    k = len(names)
    obj = -np.concatenate([pi[t] * q[t] for t in names])
    a_ub = [np.concatenate([pi[t] * c[t] for t in names])]
    a_eq = np.zeros((k, k * m))
    for j in range(k):
        a_eq[j, j * m:(j + 1) * m] = 1
    res = linprog(obj, A_ub=a_ub, b_ub=[budget], A_eq=a_eq, b_eq=np.ones(k), bounds=(0, None), method="highs")
    assert res.status == 0
    x = res.x.reshape(k, m)
    out = {}
    fractional = 0
    for j, t in enumerate(names):
        used = [i for i in range(m) if x[j, i] > 1e-9]
        if len(used) > 1:
            fractional += 1
            assert len(used) == 2
            used = [min(used, key=lambda i: (c[t][i], i))]
        out[t] = used[0]
    assert fractional <= 1
    return out, True


def cascade_choice(y, cost, conf, cheap, budget, has_costs):
    n, m = y.shape
    best = None
    for s in cheap:
        for l in range(m):
            if l == s:
                continue
            for tau in list(np.unique(conf[:, s])) + [math.inf]:
                esc = conf[:, s] < tau
                right = int(y[~esc, s].sum() + y[esc, l].sum())
                c = (math.fsum(cost[:, s]) + math.fsum(cost[esc, l])) / n if has_costs else 0.0
                if budget is not None and c > budget:
                    continue
                key = (-right, c, int(esc.sum()), s, l)
                if best is None or key < best[0]:
                    best = (key, s, l, None if math.isinf(tau) else float(tau), right, c)
    return best


def decide(ids, names, y, cost, types, conf, texts, budget, overhead=0.01, folds=5, seed=0, alpha=0.05, pool=9,
           max_size=7):
    n, m = y.shape
    has_costs = cost is not None
    c0 = cost if has_costs else np.zeros((n, m))
    fold = [0] * n
    for rank, q in enumerate(seeded_order(ids, seed)):
        fold[q] = rank % folds
    out = {c: {"correct": np.zeros(n), "cost": np.zeros(n), "choices": [], "available": True} for c in CANDIDATES}
    if budget is None:
        out["best_mixture"]["available"] = False
    if not has_costs:
        out["cheapest_within_band"]["available"] = False
    if types is None:
        out["route_type"]["available"] = False
    if texts is None:
        out["route_knn"]["available"] = out["route_logistic"]["available"] = False
    cheap = [] if conf is None else [i for i in range(m) if not np.isnan(conf[:, i]).any()]
    if not cheap:
        out["cascade"]["available"] = False
    for f in range(folds):
        train = [q for q in range(n) if fold[q] != f]
        test = [q for q in range(n) if fold[q] == f]
        yt, ct = y[train], c0[train]
        acc, cbar = yt.mean(axis=0), ct.mean(axis=0)

        def put(c, values, costs, choice):
            out[c]["correct"][test] = values
            out[c]["cost"][test] = costs
            out[c]["choices"].append(choice)

        i, met = single_best(yt, ct, budget)
        put("single_best", y[test, i], c0[test, i], {"models": [names[i]], "budget_met": met})
        if budget is not None:
            mix = mixture(list(acc), list(cbar), budget)
            if mix is None:
                a = min(range(m), key=lambda i: (cbar[i], -acc[i], i))
                put("best_mixture", y[test, a], c0[test, a], {"models": [names[a]], "budget_met": False})
            else:
                a, b, w = mix
                put("best_mixture", (1 - w) * y[test, a] + w * y[test, b], (1 - w) * c0[test, a] + w * c0[test, b],
                    {"models": [names[a]] + ([names[b]] if w > 0 else []), "weight": w, "budget_met": True})
        if has_costs:
            top = yt.sum(axis=0).max()
            band = [i for i in range(m) if top - yt[:, i].sum() <= overhead * len(train) * (1 + 1e-12)]
            i = min(band, key=lambda i: (cbar[i], -yt[:, i].sum(), i))
            put("cheapest_within_band", y[test, i], c0[test, i], {"models": [names[i]]})
        ranked = sorted(range(m), key=lambda i: (-yt[:, i].sum(), cbar[i], i))
        members = sorted(ranked[:pool])
        best = None
        if len(members) >= 3:
            for k in range(3, min(len(members), max_size) + 1, 2):
                for sub in itertools.combinations(members, k):
                    sc = sum(cbar[i] for i in sub)
                    if budget is not None and sc > budget:
                        continue
                    right = int((yt[:, list(sub)].sum(axis=1) * 2 > k).sum())
                    key = (-right, k, sc, sub)
                    if best is None or key < best[0]:
                        best = (key, sub)
        if best is None:
            out["vote"]["available"] = False
        else:
            sub = list(best[1])
            majority = (y[np.ix_(test, sub)].sum(axis=1) * 2 > len(sub)).astype(float)
            put("vote", majority, c0[np.ix_(test, sub)].sum(axis=1), {"models": [names[i] for i in sub]})
        if types is not None:
            policy, met = type_policy(yt, ct, [types[q] for q in train], budget)
            fallback, _ = single_best(yt, ct, budget)
            r = [policy.get(types[q], fallback) for q in test]
            put("route_type", y[test, r], c0[test, r], {"types": {t: names[i] for t, i in policy.items()},
                                                        "budget_met": met})
        if cheap:
            ch = cascade_choice(yt, ct, conf[train], cheap, budget, has_costs)
            if ch is None:
                out["cascade"]["available"] = False
            else:
                _, s, l, tau, _, _ = ch
                up = np.ones(len(test), bool) if tau is None else conf[test, s] < tau
                put("cascade", np.where(up, y[test, l], y[test, s]), c0[test, s] + np.where(up, c0[test, l], 0),
                    {"models": [names[s], names[l]], "threshold": tau})
    if texts is not None:
        res = pipeline(ids, y, c0, texts, "text", budget, types)
        for learner in ("knn", "logistic"):
            r = res["learners"][learner]
            c = out["route_" + learner]
            c["correct"] = np.array([y[q, r["routes"][q]] for q in range(n)])
            c["cost"] = np.array([c0[q, r["routes"][q]] for q in range(n)])
            c["choices"] = [{"lambda_c": lam} for lam, _, _ in r["folds"]]
    base = out["single_best" if budget is None else "best_mixture"]["correct"]
    best_acc = y.mean(axis=0).max()
    oracle = y.max(axis=1).mean()
    z = stats.norm.ppf(1 - alpha / 2)
    result = {}
    for name in CANDIDATES:
        c = out[name]
        if not c["available"]:
            result[name] = {"available": False}
            continue
        d = c["correct"] - base
        gain, se = float(d.mean()), float(d.std(ddof=1) / math.sqrt(n))
        wins, losses = int((d == 1).sum()), int((d == -1).sum())
        mc = None
        if np.all(np.isin(d, [-1.0, 0.0, 1.0])):
            total = wins + losses
            mc = 1.0 if total == 0 else float(min(1, 2 * stats.binom.cdf(min(wins, losses), total, 0.5)))
        lo, hi = gain - z * se, gain + z * se
        accuracy = float(c["correct"].mean())
        mean_cost = float(c["cost"].mean()) if has_costs else None
        result[name] = {
            "available": True, "correct": [float(v) for v in c["correct"]],
            "cost": [float(v) for v in c["cost"]] if has_costs else None, "accuracy": accuracy,
            "mean_cost": mean_cost, "gain": gain, "se": se, "ci_lo": lo, "ci_hi": hi, "wins": wins,
            "losses": losses, "mcnemar_p": mc,
            "verdict": "pays" if lo > overhead else ("does_not_pay" if hi < overhead else "undetermined"),
            "captured_share": (accuracy - best_acc) / (oracle - best_acc) if oracle > best_acc else None,
            "meets_budget": budget is None or mean_cost <= budget, "choices": c["choices"]}
    paying = [(k, v) for k, v in result.items()
              if v["available"] and v["meets_budget"] and v["verdict"] == "pays"]
    order = {k: j for j, k in enumerate(CANDIDATES)}
    if paying:
        rec = min(paying, key=lambda kv: (-kv[1]["accuracy"], kv[1]["mean_cost"] or 0, order[kv[0]]))[0]
    else:
        rec = "single_best" if budget is None else "best_mixture"
    return {"budget": budget, "candidates": result, "recommendation": rec}


def main():
    decide_example.write(FIX, 400, 5, 8)
    cases = []
    ids, names, y = load_wide("examples/zeroeval_math_l5/matrix.csv")
    cases.append({"case": "math_l5", **decide(ids, names, y, None, None, None, None, None)})
    ids, names, y, cost, types, conf = load_long(FIX + "matrix.csv")
    with open(FIX + "prompts.csv", newline="") as f:
        texts = dict(list(csv.reader(f))[1:])
    prompts = [texts[q] for q in ids]
    cases.append({"case": "synthetic", **decide(ids, names, y, cost, types, conf, None, None)})
    cases.append({"case": "synthetic_texts", **decide(ids, names, y, cost, types, conf, prompts, 0.002)})
    cases.append({"case": "synthetic_poor", **decide(ids, names, y, cost, types, conf, None, 1e-5)})
    for c in cases:
        print(c["case"], c["recommendation"],
              {k: round(v["accuracy"], 4) for k, v in c["candidates"].items() if v["available"]})
    with open(OUT + "decide.json", "w") as f:
        json.dump(cases, f)


if __name__ == "__main__":
    main()
