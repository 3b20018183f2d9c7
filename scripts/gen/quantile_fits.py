#!/usr/bin/env python3
"""Coefficients of the start of cf_norm_quantile_log_batch (CKernels/normal.c): two rational fits
to Φ⁻¹, from which one Halley step on log Φ reaches the rounding level.

* central, p in [0.075, 0.925]: Φ⁻¹(p) ≈ s·P(s²)/Q(s²), s = p − 1/2, degrees (4, 4);
* tails, P = min(p, 1 − p) in [e⁻⁷⁰⁰, 0.075]: |Φ⁻¹| ≈ A(t)/B(t), t = √(−2 log P), degrees (5, 4).

Reference values: mpmath at 30 digits (erfinv; log ncdf and findroot below log P = −20). The fit
is linearised least squares (x·Q − P = 0, Q(0) = 1) weighted for relative error and reweighted by
1/Q a few times (Loeb's iteration), on Chebyshev-spaced points. Prints the worst relative error
of each fit over the points and the C arrays (lowest degree first).
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 30


def fit_rational(xs, ys, n_p, n_q, iters=8):
    w = np.ones_like(xs)
    for _ in range(iters):
        a = np.hstack([np.vstack([xs**k for k in range(n_p + 1)]).T,
                       -(ys[:, None] * np.vstack([xs**k for k in range(1, n_q + 1)]).T)])
        wt = w / np.abs(ys)
        c, *_ = np.linalg.lstsq(a * wt[:, None], ys * wt, rcond=None)
        p, q = c[:n_p + 1], np.concatenate([[1.0], c[n_p + 1:]])
        w = 1 / np.abs(np.polyval(q[::-1], xs))
    return p, q


def lower_quantile(log_p):
    if log_p > -20:
        return float(-mp.sqrt(2) * mp.erfinv(1 - 2 * mp.exp(mp.mpf(log_p))))
    return float(mp.findroot(lambda y: mp.log(mp.ncdf(y)) - log_p, -mp.sqrt(-2 * mp.mpf(log_p))))


s = 0.425 * np.cos(np.linspace(0, np.pi, 600))
s = s[np.abs(s) > 1e-6]
x = np.array([float(mp.sqrt(2) * mp.erfinv(2 * mp.mpf(0.5 + v) - 1)) for v in s])
P, Q = fit_rational(s * s, x / s, 4, 4)
worst_c = np.max(np.abs(s * np.polyval(P[::-1], s * s) / np.polyval(Q[::-1], s * s) / x - 1))

t_lo, t_hi = np.sqrt(-2 * np.log(0.075)), np.sqrt(1400)
t = (t_lo + t_hi) / 2 + (t_hi - t_lo) / 2 * np.cos(np.linspace(0, np.pi, 800))
xt = np.array([lower_quantile(-v * v / 2) for v in t])
A, B = fit_rational(t, -xt, 5, 4)
worst_t = np.max(np.abs(np.polyval(A[::-1], t) / np.polyval(B[::-1], t) / -xt - 1))

print("central: worst relative error %.2e; tails: %.2e" % (worst_c, worst_t))
for name, v in (("QS_P", P), ("QS_Q", Q), ("QS_A", A), ("QS_B", B)):
    print("static const double %s[%d] = {%s};" % (name, len(v), ", ".join(repr(float(c)) for c in v)))
