#!/usr/bin/env python3
"""Goldens for `cofail cascade` (METHODS §13) by brute force with numpy/SciPy.

Every operating point is computed from its own mask (escalate s < tau for each distinct
confidence and +inf), not from prefix sums; AUC is scipy.stats.mannwhitneyu's U statistic over
S's right and wrong answers divided by n1*n0 (ties count half); the integrated advantage and its
parts are numpy.trapezoid over the points; rank-scaled confidences use scipy.stats.rankdata
(midranks). Held-out folds follow §13.7 with Python integers (FNV-1a-64, SplitMix64). Noise
levels use numpy's generator (not Philox), so the engine is compared with them statistically.

Cases: a hand-checkable 8-query case with ties and costs; a discrete verifier with many ties
(5 confidence levels, 600 queries, costs); a continuous binormal verifier (800 queries, no
costs, adverse tail). Writes Tests/CoFailTests/Goldens/cascade_{hand,discrete,continuous}.csv
and cascade.json. Run from the repository root:  python3 scripts/goldens/cascade_scipy.py
"""
import csv
import json

import numpy as np
from scipy import stats

from golden_common import seeded_order

OUT = "Tests/CoFailTests/Goldens/"
def folds_of(ids, k, seed):
    fold = [0] * len(ids)
    for rank, q in enumerate(seeded_order(ids, seed)):
        fold[q] = rank % k
    return fold


def points(s, ys, yl, cs, cl):
    n = len(s)
    a_s, a_l = ys.mean(), yl.mean()
    taus = list(np.unique(s)) + [np.inf]
    rows = []
    for tau in taus:
        esc = s < tau
        e = esc.sum() / n
        acc = (ys[~esc].sum() + yl[esc].sum()) / n
        row = {"threshold": None if np.isinf(tau) else float(tau), "escalation": float(e), "accuracy": float(acc),
               "random_accuracy": float(a_s + e * (a_l - a_s))}
        row["advantage"] = row["accuracy"] - row["random_accuracy"]
        row["calibration"] = float(e * ((1 - ys[esc]).mean() - (1 - a_s))) if esc.any() else 0.0
        row["tail_part"] = float(e * (yl[esc].mean() - a_l)) if esc.any() else 0.0
        if esc.any():
            row["tail_error"] = float((1 - ys[esc]).mean())
            row["tail_strong_accuracy"] = float(yl[esc].mean())
            row["tail_edge"] = row["tail_strong_accuracy"] - (1 - row["tail_error"])
        else:
            row["tail_error"] = row["tail_strong_accuracy"] = row["tail_edge"] = None
        if cs is not None:
            row["cost"] = float((cs.sum() + cl[esc].sum()) / n)
            row["cost_per_correct"] = row["cost"] / row["accuracy"] if row["accuracy"] > 0 else None
        rows.append(row)
    return rows


def auc_of(s, ys):
    right, wrong = s[ys == 1], s[ys == 0]
    if len(right) == 0 or len(wrong) == 0:
        return None
    u = stats.mannwhitneyu(right, wrong, alternative="two-sided", method="asymptotic").statistic
    return float(u / (len(right) * len(wrong)))


def summary(s, ys, yl, cs, cl, floor):
    rows = points(s, ys, yl, cs, cl)
    e = np.array([r["escalation"] for r in rows])
    out = {"n": len(s), "cheap_accuracy": float(ys.mean()), "strong_accuracy": float(yl.mean()),
           "auc": auc_of(s, ys), "curve": rows}
    out["integrated_advantage"] = float(np.trapezoid([r["advantage"] for r in rows], e))
    out["integrated_calibration"] = float(np.trapezoid([r["calibration"] for r in rows], e))
    out["integrated_tail_edge"] = float(np.trapezoid([r["tail_part"] for r in rows], e))
    adv = [r["advantage"] for r in rows]
    j = int(np.argmax(adv))
    out["max_advantage"], out["max_advantage_escalation"] = adv[j], rows[j]["escalation"]
    a_s, a_l = out["cheap_accuracy"], out["strong_accuracy"]
    out["pair_oracle_accuracy"] = float(np.mean(np.maximum(ys, yl)))
    wrong = ys == 0
    alpha_w = float(yl[wrong].mean()) if wrong.any() else None
    out["strong_accuracy_on_cheap_errors"] = alpha_w
    out["floor"] = floor
    acc = [r["accuracy"] for r in rows]
    first = next((k for k, a in enumerate(acc) if a >= floor), None)
    if first is None:
        out["escalation_at_floor"] = None
    elif first == 0:
        out["escalation_at_floor"] = 0.0
    else:
        t = (floor - acc[first - 1]) / (acc[first] - acc[first - 1])
        out["escalation_at_floor"] = float(e[first - 1] + t * (e[first] - e[first - 1]))
    out["tail_edge_at_floor"] = rows[first]["tail_edge"] if first is not None else None
    if floor <= a_s:
        e_r = 0.0
    elif a_l <= a_s or floor > a_l:
        e_r = None
    else:
        e_r = (floor - a_s) / (a_l - a_s)
    out["random_escalation_at_floor"] = e_r
    ec = out["escalation_at_floor"]
    out["escalation_ratio"] = ec / e_r if (e_r not in (None, 0.0) and ec is not None) else None
    out["escalation_ratio_calibrated"] = 1 - a_s / a_l if a_l > a_s else None
    out["escalation_ratio_perfect"] = (a_l - a_s) / alpha_w if (alpha_w and a_l > a_s) else None
    if cs is not None:
        cost = [r["cost"] for r in rows]
        d_l = cl.mean() / a_l
        out["strong_cost_per_correct"] = float(d_l)
        cands = [cost[k] / acc[k] for k in range(len(rows)) if acc[k] >= floor and acc[k] > 0]
        for k in range(1, len(rows)):
            if (acc[k - 1] - floor) * (acc[k] - floor) < 0:
                t = (floor - acc[k - 1]) / (acc[k] - acc[k - 1])
                cands.append((cost[k - 1] + t * (cost[k] - cost[k - 1])) / floor)
        best = min(cands) if cands else None
        out["cost_per_correct_at_floor"] = best
        out["dominates_strong_at_floor"] = None if best is None else bool(best < d_l)
        band = [acc[k] for k in range(len(rows)) if acc[k] > a_s and cost[k] / acc[k] < d_l]
        out["dominance_band_hi"] = max(band) if band else None
    return out


def heldout(ids, s, ys, yl, k, seed, objective, floor, max_esc):
    fold = np.array(folds_of(ids, k, seed))
    res = []
    esc_all = np.zeros(len(s), dtype=bool)
    for f in range(k):
        tr, te = fold != f, fold == f
        rows = points(s[tr], ys[tr], yl[tr], None, None)
        if objective == "advantage":
            j = int(np.argmax([r["advantage"] for r in rows]))
        elif objective == "floor":
            j = next((i for i, r in enumerate(rows) if r["accuracy"] >= floor), len(rows) - 1)
        else:
            j = max(i for i, r in enumerate(rows) if r["escalation"] <= max_esc)
        tau = rows[j]["threshold"]
        tau = np.inf if tau is None else tau
        esc = s[te] < tau
        esc_all[te] = esc
        e = esc.mean()
        acc = (ys[te][~esc].sum() + yl[te][esc].sum()) / te.sum()
        rand = ys[te].mean() + e * (yl[te].mean() - ys[te].mean())
        res.append({"n_test": int(te.sum()), "threshold": rows[j]["threshold"],
                    "train_escalation": rows[j]["escalation"], "test_escalation": float(e),
                    "test_accuracy": float(acc), "test_advantage": float(acc - rand),
                    "test_auc": auc_of(s[te], ys[te])})
    e = esc_all.mean()
    acc = (ys[~esc_all].sum() + yl[esc_all].sum()) / len(s)
    return {"fold": [int(x) for x in fold], "folds_detail": res,
            "mean_test_advantage": float(np.mean([r["test_advantage"] for r in res])),
            "sd_test_advantage": float(np.std([r["test_advantage"] for r in res], ddof=1)),
            "pooled_test_escalation": float(e), "pooled_test_accuracy": float(acc),
            "pooled_test_advantage": float(acc - (ys.mean() + e * (yl.mean() - ys.mean())))}


def noise(s, ys, yl, levels, reps, seed):
    n = len(s)
    r = (stats.rankdata(s, method="average") - 0.5) / n
    rng = np.random.default_rng(seed)
    out = []
    for eta in levels:
        aucs, integ = [], []
        for _ in range(reps):
            z = (1 - eta) * r + eta * rng.random(n)
            rows = points(z, ys, yl, None, None)
            aucs.append(auc_of(z, ys))
            integ.append(np.trapezoid([x["advantage"] for x in rows], [x["escalation"] for x in rows]))
        out.append({"level": eta, "mean_auc": float(np.mean(aucs)), "sd_auc": float(np.std(aucs, ddof=1)),
                    "mean_integrated_advantage": float(np.mean(integ)),
                    "sd_integrated_advantage": float(np.std(integ, ddof=1))})
    return out


def write(path, ids, s, ys, yl, cs, cl):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["query", "model", "correct", "confidence"] + (["cost"] if cs is not None else []))
        for q in range(len(ids)):
            w.writerow([ids[q], "S", int(ys[q]), repr(float(s[q]))] + ([repr(float(cs[q]))] if cs is not None else []))
            w.writerow([ids[q], "L", int(yl[q]), ""] + ([repr(float(cl[q]))] if cs is not None else []))


def cases():
    ids = [f"h{q}" for q in range(8)]
    s = np.array([0.1, 0.1, 0.4, 0.4, 0.4, 0.7, 0.9, 0.9])
    ys = np.array([0, 1, 0, 0, 1, 1, 1, 1])
    yl = np.array([1, 1, 0, 1, 1, 1, 0, 1])
    cs = np.full(8, 0.001)
    cl = np.array([0.01, 0.01, 0.02, 0.02, 0.02, 0.01, 0.01, 0.01])
    yield "hand", ids, s, ys, yl, cs, cl
    rng = np.random.default_rng(11)
    n = 600
    ys = (rng.random(n) < 0.6).astype(int)
    s = np.clip(np.round(rng.normal(1.0 * ys, 1.0) + 2), 0, 4)  # 5 levels, many ties
    yl = np.where(ys == 1, rng.random(n) < 0.9, rng.random(n) < 0.6).astype(int)
    cs = np.round(rng.uniform(0.0005, 0.0015, n), 6)
    cl = np.round(rng.uniform(0.005, 0.02, n), 6)
    yield "discrete", [f"d{q:04d}" for q in range(n)], s, ys, yl, cs, cl
    n = 800
    hard = rng.normal(size=n)
    ys = (rng.random(n) < 1 / (1 + np.exp(hard))).astype(int)
    s = rng.normal(1.2 * ys, 1.0) - 0.3 * hard
    yl = (rng.random(n) < 1 / (1 + np.exp(hard - 1.5))).astype(int)  # weaker on S's hard queries
    yield "continuous", [f"c{q:04d}" for q in range(n)], s, ys, yl, None, None


def main():
    goldens = {}
    for name, ids, s, ys, yl, cs, cl in cases():
        write(OUT + f"cascade_{name}.csv", ids, s, ys, yl, cs, cl)
        floor = (ys.mean() + yl.mean()) / 2
        g = summary(s, ys, yl, cs, cl, floor)
        g["heldout"] = {obj: heldout(ids, s, ys, yl, 4 if name == "hand" else 5, 3, obj, floor, 0.3)
                        for obj in ("advantage", "floor", "escalation")}
        g["noise"] = noise(s, ys, yl, [0.0, 0.5, 1.0], 200, 5)
        goldens[name] = g
    with open(OUT + "cascade.json", "w") as f:
        json.dump(goldens, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
