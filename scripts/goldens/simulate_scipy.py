#!/usr/bin/env python3
"""Golden values for METHODS §8 from SciPy.

* Underpricing curves: common shock (π, q) and Clayton with the same (p, c).
  ρ solves Φ₂(τ, τ; ρ) = c with scipy.optimize.brentq on scipy.stats.multivariate_normal.cdf
  (Genz's bivariate algorithm); β_SF,m = scipy.integrate.quad of φ(f) Φ((τ − √ρ f)/√(1−ρ))^m;
  Clayton θ solves (2 p^−θ − 1)^(−1/θ) = c with brentq; β_m closed forms of METHODS §8.
* Fréchet bounds: scipy.optimize.linprog (HiGHS) on the LP of METHODS §8.
Writes Tests/CoFailTests/Goldens/curve.csv and frechet.csv.
"""
import csv, math, os
import numpy as np
from scipy import integrate, optimize, stats

gold = os.path.join(os.path.dirname(__file__), "../../Tests/CoFailTests/Goldens")

def rho_for(p, c):
    tau = stats.norm.ppf(p)
    f = lambda r: stats.multivariate_normal(mean=[0, 0], cov=[[1, r], [r, 1]]).cdf([tau, tau]) - c
    return optimize.brentq(f, -0.999, 0.9999, xtol=1e-14)

def beta_sf(p, rho, m):
    tau = stats.norm.ppf(p)
    s, t = math.sqrt(rho), math.sqrt(1 - rho)
    g = lambda f: math.exp(stats.norm.logpdf(f) + m * stats.norm.logcdf((tau - s * f) / t))
    v, _ = integrate.quad(g, -12, 12, epsabs=0, epsrel=1e-12, limit=500, points=[tau / s])
    return v

with open(os.path.join(gold, "curve.csv"), "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["law", "pi", "q", "m", "p", "co_error", "rho", "beta_m", "beta_sf_m"])
    for pi, q in [(0.02, 0.3), (0.05, 0.5)]:
        p = pi + (1 - pi) * q
        c = pi + (1 - pi) * q * q
        rho = rho_for(p, c)
        theta = optimize.brentq(lambda th: (2 * p ** -th - 1) ** (-1 / th) - c, 1e-8, 200, xtol=1e-15)
        for m in (2, 3, 5, 10, 20):
            bsf = beta_sf(p, rho, m)
            w.writerow(["shock", pi, q, m, repr(p), repr(c), repr(rho), repr(pi + (1 - pi) * q ** m), repr(bsf)])
            w.writerow(["clayton", pi, q, m, repr(p), repr(c), repr(rho), repr((m * p ** -theta - m + 1) ** (-1 / theta)), repr(bsf)])

with open(os.path.join(gold, "frechet.csv"), "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["m", "p", "c", "beta_min", "beta_max"])
    for m, p, c in [(2, 0.3, 0.15), (3, 0.3, 0.12), (5, 0.25, 0.1), (10, 0.3, 0.15), (20, 0.2, 0.08), (43, 0.6, 0.45), (67, 0.25, 0.1), (3, 0.3, 0.28), (5, 0.4, 0.38), (10, 0.5, 0.49)]:
        t = np.arange(m + 1)
        A = np.vstack([np.ones(m + 1), t / m, t * (t - 1) / (m * (m - 1))])
        b = [1, p, c]
        obj = np.zeros(m + 1); obj[m] = 1
        lo = optimize.linprog(obj, A_eq=A, b_eq=b, bounds=(0, None), method="highs")
        hi = optimize.linprog(-obj, A_eq=A, b_eq=b, bounds=(0, None), method="highs")
        w.writerow([m, p, c, repr(float(lo.x[m])), repr(float(hi.x[m]))])
print(open(os.path.join(gold, "frechet.csv")).read())
