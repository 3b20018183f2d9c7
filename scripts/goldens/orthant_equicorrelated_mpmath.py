#!/usr/bin/env python3
"""Golden orthant probabilities P(Z <= τ) of an equicorrelated Gaussian (METHODS §4, β_full), where
the d-dimensional integral is one-dimensional:

    Z = √ρ F + √(1−ρ) ε  ⇒  P(Z <= τ) = ∫ φ(f) ∏_i Φ((τ_i − √ρ f)/√(1−ρ)) df.

Independent source: mpmath at 30 digits (mpmath.quad, tanh-sinh over fixed panels; mpmath.ncdf,
mpmath.npdf; τ_i = √2·erfinv(2p_i − 1)). Checks the tilted estimator at a dimension (d = 300)
where its variance comes from the common factor.
Writes Tests/CoFailTests/Goldens/orthant_equi.csv: rho,shift,p (τ_i + shift are the bounds) and
orthant_equi_tau.csv: tau.
"""
import csv, os, mpmath as mp

mp.mp.dps = 30
D = 300
p = [mp.mpf("0.1") + mp.mpf("0.3") * i / (D - 1) for i in range(D)]
tau = [mp.sqrt(2) * mp.erfinv(2 * x - 1) for x in p]


def orthant(rho, shift):
    rho = mp.mpf(rho)
    s, t = mp.sqrt(rho), mp.sqrt(1 - rho)
    bounds = [x + shift for x in tau]

    def g(f):
        v = mp.npdf(f)
        for b in bounds:
            v *= mp.ncdf((b - s * f) / t)
        return v

    return mp.quad(g, [-40, -12, -8, -6, -4, -2, 0, 4, 40], maxdegree=8)


out = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "CoFailTests", "Goldens")
with open(os.path.join(out, "orthant_equi_tau.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["tau"])
    for x in tau:
        w.writerow([mp.nstr(x, 20)])
with open(os.path.join(out, "orthant_equi.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["rho", "shift", "p"])
    for rho, shift in [("0.36", 0), ("0.6", -1)]:
        w.writerow([rho, shift, mp.nstr(orthant(rho, shift), 20)])
