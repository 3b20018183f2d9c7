#!/usr/bin/env python3
"""Goldens for the Beta-mixture confidence sequence of METHODS §15.2, from mpmath at 40 digits:
log M_t(p) = log B(a + S, b + t − S) − log B(a, b) − S log p − (t − S) log(1 − p) with log B from
mpmath.loggamma, and the interval's ends as the roots of log M_t(p) = log(1/δ) on each side of S/t by
200 bisection steps in 40-digit arithmetic (log M_t is convex in p with its minimum at S/t), lo = 0
when S = 0, hi = 1 when S = t.

Writes Tests/CoFailTests/Goldens/cs.csv. Run from the repository root:
    python3 scripts/goldens/cs_mpmath.py
"""
import mpmath

mpmath.mp.dps = 40

# (S, t, δ, a, b): S = 0, S = t, t = 1 and t = 10⁶ included
CASES = [
    (0, 1, 0.05, 0.5, 0.5), (1, 1, 0.05, 0.5, 0.5), (0, 10, 0.05, 0.5, 0.5), (10, 10, 0.05, 0.5, 0.5),
    (3, 10, 0.05, 0.5, 0.5), (5, 10, 0.01, 1, 1), (1, 100, 0.05, 0.5, 0.5), (50, 100, 0.1, 2, 3),
    (0, 1000, 0.05, 0.5, 0.5), (17, 1000, 0.05, 0.5, 0.5), (999, 1000, 0.05, 0.5, 0.5),
    (250, 1000, 0.001, 0.5, 0.5), (12, 425, 0.0125, 0.5, 0.5), (16, 425, 0.05, 0.5, 0.5),
    (0, 1000000, 0.05, 0.5, 0.5), (1000000, 1000000, 0.05, 0.5, 0.5), (37, 1000000, 0.05, 0.5, 0.5),
    (300000, 1000000, 0.05, 0.5, 0.5), (123456, 1000000, 1e-6, 0.5, 0.5), (2, 3, 0.2, 5, 0.25),
    (40, 60, 0.05, 0.1, 10), (7, 7, 0.5, 0.5, 0.5), (0, 3, 0.5, 3, 3), (5000, 20000, 0.01, 1, 1),
]


def log_m(s, t, a, b, p):
    s, t, a, b, p = (mpmath.mpf(v) for v in (s, t, a, b, p))
    lb = lambda x, y: mpmath.loggamma(x) + mpmath.loggamma(y) - mpmath.loggamma(x + y)
    v = lb(a + s, b + t - s) - lb(a, b)
    if s > 0:
        v -= s * mpmath.log(p)
    if t - s > 0:
        v -= (t - s) * mpmath.log1p(-p)
    return v


def bisect(f, lo, hi, outside_low):
    """The root of f in (lo, hi); f > 0 (outside the interval) lies below it when outside_low."""
    for _ in range(200):
        mid = (lo + hi) / 2
        if (f(mid) > 0) == outside_low:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def ends(s, t, delta, a, b):
    c = -mpmath.log(mpmath.mpf(delta))
    mle = mpmath.mpf(s) / t
    f = lambda p: log_m(s, t, a, b, p) - c
    lo = mpmath.mpf(0) if s == 0 else bisect(f, mpmath.mpf(0), mle, True)
    hi = mpmath.mpf(1) if s == t else bisect(f, mle, mpmath.mpf(1), False)
    return lo, hi


def main():
    with open("Tests/CoFailTests/Goldens/cs.csv", "w") as out:
        out.write("s,t,delta,a,b,lo,hi,log_m_at_half\n")
        for s, t, delta, a, b in CASES:
            lo, hi = ends(s, t, delta, a, b)
            out.write("%d,%d,%r,%r,%r,%s,%s,%s\n" % (s, t, delta, a, b, mpmath.nstr(lo, 25), mpmath.nstr(hi, 25),
                                                   mpmath.nstr(log_m(s, t, a, b, 0.5), 25)))


if __name__ == "__main__":
    main()
