#!/usr/bin/env python3
"""Goldens for `certify --sequential` (METHODS §15.3) from SciPy, independently of the engine and
by brute force: after every graded query t, for β (level δ) and for every model's headroom rate
G_i = #{model i wrong, some model right} / t (level δ/m), the confidence sequence's interval is
solved afresh with scipy.optimize.brentq on log M_t(p) = log(1/level) (log B by
scipy.special.betaln), and the running intersections L_t = max l_s, U_t = min u_s are kept. The
decision is the first t with, in this order, an empty intersection for any rate
(order_not_random, bounds of t − 1), min_i U_i < o (no_policy_can_pay), min_i L_i >= o
(headroom_certified). Peeking Clopper–Pearson: one-sided bounds by scipy.stats.beta.ppf at δ/m,
recomputed at every t on min_i S_i(t) (no intersection). Fixed n: §1's H = max(0, 1 − β_L(δ/2) −
A*_L(δ/2)) with one-sided CP lower bounds. The seeded order is §13.7's key with Python integers
(FNV-1a-64, SplitMix64). The undecided case's queries-to-decide is §15.4's plan at Ĝ = min_i S_i/n
(doubling, then a linear scan of the last doubling
interval, or bisection when it is over 10⁵ long).

The synthetic matrices are drawn with numpy (seeded) and written to Tests/CoFailTests/Fixtures:
  sequential_low.csv    5 near-identical models, G_i ≈ 0.004, o = 0.03  (no policy can pay)
  sequential_high.csv   4 independent models, error 0.3, o = 0.05        (headroom certified)
  sequential_sorted.csv the near matrix with its all-wrong queries last   (order not random)
  sequential_near.csv   6 models with G ≈ o = 0.02                       (undecided)
Writes Tests/CoFailTests/Goldens/sequential.csv. Run from the repository root:
    python3 scripts/goldens/sequential_scipy.py
"""
import numpy as np

from golden_common import cp_lower, cp_upper, cs, plan, seeded_order

DELTA = 0.05
FIX = "Tests/CoFailTests/Fixtures/"


def read(path):
    with open(path) as f:
        header = f.readline().strip().split(",")
        ids, rows = [], []
        for line in f:
            cells = line.strip().split(",")
            if "" in cells[1:]:
                continue  # METHODS §0 `complete`: a query with a missing cell is dropped
            assert all(c in ("0", "1") for c in cells[1:])
            ids.append(cells[0])
            rows.append([c == "1" for c in cells[1:]])
    return header[1:], ids, np.array(rows, dtype=bool)


def write(path, correct):
    n, m = correct.shape
    with open(path, "w") as f:
        f.write("query," + ",".join("model_%d" % i for i in range(m)) + "\n")
        for q in range(n):
            f.write("q%04d," % q + ",".join("1" if c else "0" for c in correct[q]) + "\n")


def sequential(names, ids, correct, o, seed=None):
    n, m = correct.shape
    order = list(range(n)) if seed is None else seeded_order(ids, seed)
    wrong = ~correct[order]
    all_wrong = wrong.all(axis=1)
    x = np.column_stack([all_wrong] + [wrong[:, i] & ~all_wrong for i in range(m)]).astype(int)
    levels = [DELTA] + [DELTA / m] * m
    lo = [0.0] * (m + 1)
    hi = [1.0] * (m + 1)
    s = [0] * (m + 1)
    history = [(list(s), list(lo), list(hi))]
    decision, decided = "undecided", None
    naive, naive_at = None, None
    for t in range(1, n + 1):
        for r in range(m + 1):
            s[r] += x[t - 1, r]
            l, u = cs(s[r], t, levels[r])
            lo[r] = max(lo[r], l)
            hi[r] = min(hi[r], u)
        history.append((list(s), list(lo), list(hi)))
        if decided is None:
            if any(lo[r] > hi[r] for r in range(m + 1)):
                decision, decided = "order_not_random", t
            elif min(hi[1:]) < o:
                decision, decided = "no_policy_can_pay", t
            elif min(lo[1:]) >= o:
                decision, decided = "headroom_certified", t
        if naive_at is None:
            v = min(s[1:])
            if cp_upper(v, t, DELTA / m) < o:
                naive, naive_at = "no_policy_can_pay", t
            elif cp_lower(v, t, DELTA / m) >= o:
                naive, naive_at = "headroom_certified", t
    at = n if decided is None else (decided - 1 if decision == "order_not_random" else decided)
    hs, hl, hh = history[at]
    upper = min(hh[1:])
    hl = [float(v) for v in hl]
    hh = [float(v) for v in hh]
    binding = names[hh[1:].index(upper)]
    k = int(all_wrong.sum())
    best = int(correct.sum(axis=0).max())
    h = float(max(0.0, 1 - cp_lower(k, n, DELTA / 2) - cp_lower(best, n, DELTA / 2)))
    g_hat = min(int(x[:, r].sum()) for r in range(1, m + 1)) / n
    estimate = plan(g_hat, o, m, DELTA)[0] if decided is None else ""
    return dict(decision=decision, decided_at="" if decided is None else decided, bounds_at=at,
                all_wrong=hs[0], beta_lo=hl[0], beta_hi=hh[0], gain_lo=min(hl[1:]), gain_hi=upper,
                binding=binding, fixed_n_headroom=h, naive=naive or "", naive_at=naive_at or "",
                queries_to_decide=estimate)


def main():
    rng = np.random.default_rng(20261207)
    # near-identical: a shared draw decides, each model flips it with probability 0.002
    shared = rng.random(4000) < 0.7
    low = np.column_stack([shared ^ (rng.random(4000) < 0.002) for _ in range(5)])
    write(FIX + "sequential_low.csv", low)
    high = rng.random((1500, 4)) >= 0.3
    write(FIX + "sequential_high.csv", high)
    shared = rng.random(3000) < 0.6
    near = np.column_stack([shared ^ (rng.random(3000) < 0.0085) for _ in range(6)])
    write(FIX + "sequential_near.csv", near)
    srt = near[np.argsort((~near).all(axis=1), kind="stable")]
    write(FIX + "sequential_sorted.csv", srt)
    cases = [("low", FIX + "sequential_low.csv", 0.03, None),
             ("high", FIX + "sequential_high.csv", 0.05, None),
             ("sorted", FIX + "sequential_sorted.csv", 0.03, None),
             ("near", FIX + "sequential_near.csv", 0.02, None),
             ("math_l5", "examples/zeroeval_math_l5/matrix.csv", 0.02, None),
             ("math_l5_shuffled", "examples/zeroeval_math_l5/matrix.csv", 0.02, 7),
             ("math_l5_high_o", "examples/zeroeval_math_l5/matrix.csv", 0.2, 3)]
    keys = ["decision", "decided_at", "bounds_at", "all_wrong", "beta_lo", "beta_hi", "gain_lo", "gain_hi",
            "binding", "fixed_n_headroom", "naive", "naive_at", "queries_to_decide"]
    with open("Tests/CoFailTests/Goldens/sequential.csv", "w") as out:
        out.write("case,path,overhead,seed," + ",".join(keys) + "\n")
        for name, path, o, seed in cases:
            names, ids, correct = read(path)
            res = sequential(names, ids, correct, o, seed)
            cells = [name, path, repr(o), "" if seed is None else str(seed)]
            cells += [repr(v) if isinstance(v, float) else str(v) for v in (res[k] for k in keys)]
            out.write(",".join(cells) + "\n")
            print(name, res["decision"], res["decided_at"], res["naive_at"])


if __name__ == "__main__":
    main()
