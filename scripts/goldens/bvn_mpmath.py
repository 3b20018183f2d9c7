#!/usr/bin/env python3
"""Golden values of the bivariate normal CDF Φ₂(h, k; r) (METHODS §2).

Independent source: mpmath at 40 significant digits, using Plackett's identity
    Φ₂(h, k; r) = Φ(h)Φ(k) + ∫_0^r φ₂(h, k; s) ds
integrated with mpmath.quad (tanh-sinh); r = ±1 use the closed forms
Φ(min(h, k)) and max(0, Φ(h) + Φ(k) − 1).
Writes Tests/CoFailTests/Goldens/bvn.csv (h,k,r,cdf,pdf).
"""
import csv, os, mpmath as mp

mp.mp.dps = 40
H = [-10, -8, -5, -3, -2, -1, -0.5, 0, 0.3, 1, 2, 3.5, 5, 8, 10]
R = [-1, -0.99999, -0.999, -0.95, -0.925, -0.9, -0.75, -0.5, -0.3, -0.1, 0,
     0.1, 0.3, 0.5, 0.75, 0.9, 0.925, 0.95, 0.999, 0.99999, 1]

def pdf2(h, k, s):
    om = 1 - s * s
    return mp.exp(-(h * h - 2 * s * h * k + k * k) / (2 * om)) / (2 * mp.pi * mp.sqrt(om))

def cdf2(h, k, r):
    h, k, r = mp.mpf(h), mp.mpf(k), mp.mpf(r)
    if r == 1:
        return mp.ncdf(min(h, k))
    if r == -1:
        return max(mp.mpf(0), mp.ncdf(h) + mp.ncdf(k) - 1)
    return mp.ncdf(h) * mp.ncdf(k) + mp.quad(lambda s: pdf2(h, k, s), [0, r])

out = os.path.join(os.path.dirname(__file__), "../../Tests/CoFailTests/Goldens/bvn.csv")
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["h", "k", "r", "cdf", "pdf"])
    for h in H:
        for k in H:
            for r in R:
                d = pdf2(mp.mpf(h), mp.mpf(k), mp.mpf(r)) if abs(r) < 1 else mp.mpf(0)
                w.writerow([h, k, r, mp.nstr(cdf2(h, k, r), 20), mp.nstr(d, 20)])
