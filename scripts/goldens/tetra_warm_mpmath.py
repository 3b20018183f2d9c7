#!/usr/bin/env python3
"""Golden derivatives of a tetrachoric root, for the resamples' warm start (cf_tetrachoric_warm).

θ(h, k, p) = asin r solves Φ₂(h, k; sin θ) = p. For 2 × 2 tables of n = 1000 queries, with
h = Φ⁻¹(e_i/n), k = Φ⁻¹(e_j/n) and p = n11/n as the kernel forms them, this writes θ and every
partial derivative of θ in (h, k, p) of orders 1 to 3.

Independent source: mpmath at 30 significant digits. Φ₂ by Plackett's identity
Φ(h)Φ(k) + ∫_0^r φ₂(h, k; s) ds (mpmath.quad), the root by mpmath.findroot, and the derivatives
by mpmath.diff (numerical differentiation at that precision) of the root as a function of
(h, k, p) — not the implicit-function formulas the kernel uses.
Writes Tests/CoFailTests/Goldens/tetra_warm.csv.
"""
import csv, os, itertools, mpmath as mp

mp.mp.dps = 30
N = 1000
TABLES = [(300, 400, 200), (250, 250, 150), (600, 350, 280), (150, 500, 110), (450, 450, 380), (700, 200, 170)]


def pdf2(h, k, s):
    om = 1 - s * s
    return mp.exp(-(h * h - 2 * s * h * k + k * k) / (2 * om)) / (2 * mp.pi * mp.sqrt(om))


def cdf2(h, k, r):
    return mp.ncdf(h) * mp.ncdf(k) + mp.quad(lambda s: pdf2(h, k, s), [0, r])


def theta(h, k, p, start):
    """Newton in θ: d/dθ Φ₂(h, k; sin θ) = φ₂(h, k; sin θ)·cos θ."""
    return mp.findroot(lambda t: cdf2(h, k, mp.sin(t)) - p, start, solver="newton",
                       df=lambda t: pdf2(h, k, mp.sin(t)) * mp.cos(t))


ORDERS = [(1, 0, 0), (0, 1, 0), (0, 0, 1),
          (2, 0, 0), (1, 1, 0), (0, 2, 0), (1, 0, 1), (0, 1, 1), (0, 0, 2),
          (3, 0, 0), (2, 1, 0), (1, 2, 0), (0, 3, 0), (2, 0, 1), (1, 1, 1), (0, 2, 1), (1, 0, 2), (0, 1, 2),
          (0, 0, 3)]
NAMES = ["h", "k", "p", "hh", "hk", "kk", "hp", "kp", "pp",
         "hhh", "hhk", "hkk", "kkk", "hhp", "hkp", "kkp", "hpp", "kpp", "ppp"]

out = os.path.join(os.path.dirname(__file__), "../../Tests/CoFailTests/Goldens/tetra_warm.csv")
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["n", "ei", "ej", "n11", "r"] + ["d_" + s for s in NAMES])
    for ei, ej, n11 in TABLES:
        h = mp.sqrt(2) * mp.erfinv(2 * mp.mpf(ei) / N - 1)
        k, p = mp.sqrt(2) * mp.erfinv(2 * mp.mpf(ej) / N - 1), mp.mpf(n11) / N
        t0 = theta(h, k, p, mp.mpf("0.5"))
        f3 = lambda a, b, c: theta(a, b, c, t0)
        ds = [mp.diff(f3, (h, k, p), o) for o in ORDERS]
        w.writerow([N, ei, ej, n11, mp.nstr(mp.sin(t0), 20)] + [mp.nstr(d, 15) for d in ds])
        f.flush()
        print(ei, ej, n11, mp.nstr(mp.sin(t0), 8), flush=True)
