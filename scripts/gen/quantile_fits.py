#!/usr/bin/env python3
"""Coefficients of cf_norm_quantile_log_batch (CKernels/normal.c): three rational fits to Φ⁻¹ of
degrees (7, 7), each accurate to about 1e-16 relative, so the batch needs no refinement step.

* central, p in [0.075, 0.925]: Φ⁻¹(p) = s·P(r)/Q(r), s = p − 1/2, r = 0.425² − s²;
* near tail, P = min(p, 1 − p) with t = √(−2 log P) in [t₀, 7], t₀ = √(−2 log 0.075):
  |Φ⁻¹| = A(t − t₀)/B(t − t₀);
* far tail, t in [7, √1400] (P down to e⁻⁷⁰⁰): |Φ⁻¹| = C(t − 7)/D(t − 7).

Reference values: mpmath at 40 digits (erfinv; log ncdf and findroot below log P = −20). Each fit
is linearised least squares (x·Q − P = 0, Q(0) = 1) weighted for relative error and reweighted
by 1/Q (Loeb's iteration) on 200 Chebyshev-spaced points, solved in mpmath (numpy's double
least squares cannot reach 1e-16). The check evaluates each fit in double precision, as the
kernel does, at 1,000 other points per piece against mpmath; prints the worst relative errors
and the C arrays (lowest degree first).
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 40
DEGREE = 7
SPLIT = mp.mpf(7)


def fit_rational(xs, ys, n_p, n_q, iters=10):
    w = [mp.mpf(1)] * len(xs)
    for _ in range(iters):
        rows, rhs = [], []
        for x, y, wi in zip(xs, ys, w):
            wt = wi / abs(y)
            rows.append([wt * x**k for k in range(n_p + 1)] + [-wt * y * x**k for k in range(1, n_q + 1)])
            rhs.append(wt * y)
        c, _ = mp.qr_solve(mp.matrix(rows), mp.matrix(rhs))
        p = [c[k] for k in range(n_p + 1)]
        q = [mp.mpf(1)] + [c[n_p + 1 + k] for k in range(n_q)]
        w = [1 / abs(mp.polyval(q[::-1], x)) for x in xs]
    return p, q


def lower_quantile(log_p):
    log_p = mp.mpf(log_p)
    if log_p > -20:
        return -mp.sqrt(2) * mp.erfinv(1 - 2 * mp.exp(log_p))
    return mp.findroot(lambda y: mp.log(mp.ncdf(y)) - log_p, -mp.sqrt(-2 * log_p))


def cheb(a, b, n):
    return [(a + b) / 2 + (b - a) / 2 * mp.cos(mp.pi * k / (n - 1)) for k in range(n)]


def horner_double(c, x):
    v = np.full_like(x, float(c[-1]))
    for k in range(len(c) - 2, -1, -1):
        v = v * x + float(c[k])
    return v


def central_points(n):
    ss = [v for v in cheb(mp.mpf(0), mp.mpf("0.425"), n) if v > mp.mpf("1e-8")]
    return [mp.mpf("0.180625") - s * s for s in ss], [mp.sqrt(2) * mp.erfinv(2 * s) / s for s in ss]


def tail_points(a, b, n):
    ts = cheb(a, b, n)
    return [t - a for t in ts], [-lower_quantile(-t * t / 2) for t in ts]


t0 = mp.sqrt(-2 * mp.log(mp.mpf("0.075")))
pieces = (("QC", central_points), ("QN", lambda n: tail_points(t0, SPLIT, n)),
          ("QF", lambda n: tail_points(SPLIT, mp.sqrt(1400), n)))
for name, points in pieces:
    xs, ys = points(200)
    num, den = fit_rational(xs, ys, DEGREE, DEGREE)
    vx, vy = points(1001)
    vx = np.array([float(v) for v in vx])
    got = horner_double(num, vx) / horner_double(den, vx)
    worst = max(abs(mp.mpf(g) / y - 1) for g, y in zip(got, vy))
    print("/* %s: worst relative error %s in double at 1,001 check points */" % (name, mp.nstr(worst, 3)))
    for suffix, v in (("_N", num), ("_D", den)):
        print("static const double %s%s[%d] = {%s};" % (name, suffix, len(v), ", ".join(repr(float(c)) for c in v)))
print("/* t0 = %r */" % float(t0))
