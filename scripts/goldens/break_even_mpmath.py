#!/usr/bin/env python3
"""Goldens for the break-even ensemble size (METHODS §14.1) from mpmath at 50 digits:
P_m = mpmath.ncdf(μ/σ_m) with μ = −Φ⁻¹(p) (mpmath.erfinv), σ_m² = ρ + (1 − ρ)/m; the increment
P_m − P_{m−1} is computed in 50-digit arithmetic, so it has no cancellation at large m.
`break_even_members` is the last m whose increment is ≥ c̃, found by doubling and bisection (the
increments decrease for p < ½), and `break_even_members_linear` is (1 + √(1 + 4κ(m*)(1 − ρ)/c̃))/2.

Writes Tests/CoFailTests/Goldens/break_even.csv. Run from the repository root:
    python3 scripts/goldens/break_even_mpmath.py
"""
import mpmath

mpmath.mp.dps = 50

CASES = [(0.3, 0.4, 1e-3), (0.3, 0.2, 1e-12), (0.1, 0.05, 1e-9), (0.45, 0.9, 1e-6), (0.2, 0.0, 1e-10),
         (0.3, 0.2, 1e-7), (0.05, 0.5, 1e-15)]


def golden(p, rho, c):
    p, rho, c = mpmath.mpf(p), mpmath.mpf(rho), mpmath.mpf(c)
    mu = -mpmath.sqrt(2) * mpmath.erfinv(2 * p - 1)

    def acc(m):
        return mpmath.ncdf(mu / mpmath.sqrt(rho + (1 - rho) / m))

    def pays(m):
        return acc(m) - acc(m - 1) >= c

    lo, hi = 1, 2
    while pays(hi):
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if pays(mid):
            lo = mid
        else:
            hi = mid
    sigma = mpmath.sqrt(rho + (1 - rho) / lo)
    kappa = mu * mpmath.npdf(mu / sigma) / (2 * sigma ** 3)
    linear = (1 + mpmath.sqrt(1 + 4 * kappa * (1 - rho) / c)) / 2
    inc = acc(lo) - acc(lo - 1) if lo > 1 else mpmath.mpf(0)
    return lo, linear, kappa, inc


def main():
    with open("Tests/CoFailTests/Goldens/break_even.csv", "w") as f:
        f.write("error,rho,cost_ratio,break_even_members,break_even_members_linear,kappa_at_break_even,"
                "increment_at_break_even\n")
        for p, rho, c in CASES:
            m, linear, kappa, inc = golden(p, rho, c)
            f.write("%r,%r,%r,%d,%s,%s,%s\n" % (p, rho, c, m, mpmath.nstr(linear, 20), mpmath.nstr(kappa, 20),
                                               mpmath.nstr(inc, 20)))


if __name__ == "__main__":
    main()
