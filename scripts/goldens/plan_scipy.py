#!/usr/bin/env python3
"""Goldens for `cofail plan` (METHODS §15.4) from SciPy, independently of the engine:
the confidence sequence's ends as roots of log M_t(p) = log(1/δ') by scipy.optimize.brentq
(log B by scipy.special.betaln), δ' = δ/m; one-sided Clopper–Pearson bounds by scipy.stats.beta.ppf
(upper B⁻¹(1 − δ'; S + 1, t − S), lower B⁻¹(δ'; S, t − S + 1)). The sample at t has ⌊g·t⌋ successes
when g < o, ⌈g·t⌉ when g > o (search from ⌈1/g⌉); the first deciding t by doubling, then a linear
scan of the last doubling interval (all cases here keep it under 10⁵).

Writes Tests/CoFailTests/Goldens/plan.csv. Run from the repository root:
    python3 scripts/goldens/plan_scipy.py
"""
import math

from scipy import optimize, special, stats

CASES = [(0.01, 0.02, 43, 0.05), (0.05, 0.02, 43, 0.05), (0.02, 0.05, 1, 0.05), (0.1, 0.05, 1, 0.05),
         (0.0, 0.01, 10, 0.05), (0.3, 0.2, 5, 0.1), (0.3, 0.01, 1, 0.05), (0.001, 0.03, 20, 0.01),
         (0.5, 0.4, 2, 0.05), (0.04, 0.06, 67, 0.05)]
A = B = 0.5


def log_m(s, t, p):
    v = special.betaln(A + s, B + t - s) - special.betaln(A, B)
    if s > 0:
        v -= s * math.log(p)
    if t - s > 0:
        v -= (t - s) * math.log1p(-p)
    return v


def cs(s, t, level):
    c = -math.log(level)
    f = lambda p: log_m(s, t, p) - c
    mle = s / t
    lo = 0.0 if s == 0 else optimize.brentq(f, 1e-300, mle, xtol=1e-15, rtol=1e-15)
    hi = 1.0 if s == t else optimize.brentq(f, mle, 1 - 1e-16, xtol=1e-15, rtol=1e-15)
    return lo, hi


def first(start, decides):
    hi = start
    while not decides(hi):
        hi *= 2
    if hi == start:
        return start
    t = hi // 2 + 1
    while t < hi and not decides(t):
        t += 1
    return t


def plan(g, o, m, delta):
    level = delta / m
    below = g < o
    succ = (lambda t: math.floor(g * t)) if below else (lambda t: min(t, math.ceil(g * t)))
    start = 1 if below else max(1, math.ceil(1 / g))

    def seq(t):
        lo, hi = cs(succ(t), t, level)
        return hi < o if below else lo >= o

    def cp(t):
        s = succ(t)
        if below:
            upper = 1.0 if s == t else stats.beta.ppf(1 - level, s + 1, t - s)
            return upper < o
        lower = 0.0 if s == 0 else stats.beta.ppf(level, s, t - s + 1)
        return lower >= o

    return first(start, seq), first(start, cp)


def main():
    with open("Tests/CoFailTests/Goldens/plan.csv", "w") as out:
        out.write("gain,overhead,models,delta,queries_sequential,queries_fixed_n\n")
        for g, o, m, d in CASES:
            a, b = plan(g, o, m, d)
            out.write("%r,%r,%d,%r,%d,%d\n" % (g, o, m, d, a, b))


if __name__ == "__main__":
    main()
