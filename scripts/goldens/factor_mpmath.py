#!/usr/bin/env python3
"""Golden values of the single-factor copula all-wrong probability (METHODS §3)

    β_SF(ρ) = ∫ φ(f) ∏_i Φ((τ_i − √ρ f)/√(1−ρ)) df,  τ_i = Φ⁻¹(p_i),

and of the implied ρ* (root of β_SF(ρ*) = β). Independent source: mpmath at 30 digits
(mpmath.quad, tanh-sinh, with breakpoints at every kink τ_i/√ρ so the near-step integrand
of ρ → 1 is resolved; mpmath.findroot for ρ*). mpmath's exponent range has no underflow,
so β_SF of 1e-300 and below is exact to the digits shown.
Writes Tests/CoFailTests/Goldens/factor.csv: case,rho,log_beta_sf and factor_p.csv: case,p.
"""
import csv, os, random, mpmath as mp

mp.mp.dps = 30

def beta_sf(p, rho):
    rho = mp.mpf(rho)
    tau = [mp.sqrt(2) * mp.erfinv(2 * mp.mpf(x) - 1) for x in p]
    s, t = mp.sqrt(rho), mp.sqrt(1 - rho)
    def g(f):
        v = mp.npdf(f)
        for ti in tau:
            v *= mp.ncdf((ti - s * f) / t)
        return v
    pts = [mp.mpf(-40), mp.mpf(-8), mp.mpf(-4), mp.mpf(0), mp.mpf(4), mp.mpf(8), mp.mpf(40)]
    if rho < mp.mpf("0.9"):  # smooth integrand: a few panels suffice
        return mp.quad(g, pts, maxdegree=10)
    pts = sorted(set(pts + [min(max(ti / s, -39), 39) for ti in tau]))
    # refine around each kink: the step has width ~ √(1−ρ)/√ρ
    w = t / s
    extra = []
    for ti in tau:
        c = ti / s
        for d in (-8, -3, -1, 1, 3, 8):
            x = c + d * w
            if -40 < x < 40:
                extra.append(x)
    pts = sorted(set(pts + extra))
    return mp.quad(g, pts, maxdegree=10)

def cases():
    rng = random.Random(20261129)
    pool67 = [round(rng.uniform(0.1, 0.42), 6) for _ in range(67)]
    small40 = [round(rng.uniform(0.01, 0.05), 6) for _ in range(40)]
    pool500 = [round(rng.uniform(0.05, 0.3), 6) for _ in range(500)]
    yield "pool67", pool67, [0.02, 0.3, 0.37, 0.6, 0.9, 0.999, 0.99999]
    yield "small40", small40, [0.05, 0.1, 0.5]
    yield "pool500", pool500, [0.2]
    yield "pair", [0.3, 0.45], [0.25, 0.8]
    # error rates shared by several models (counts out of n in a resample): 5 values, 12 each
    shared60 = [v for v in (0.05, 0.12, 0.2, 0.31, 0.44) for _ in range(12)]
    yield "shared60", shared60, [0.1, 0.5, 0.95]

here = os.path.dirname(__file__)
gold = os.path.join(here, "../../Tests/CoFailTests/Goldens")
with open(os.path.join(gold, "factor.csv"), "w", newline="") as f, \
     open(os.path.join(gold, "factor_p.csv"), "w", newline="") as fp:
    w = csv.writer(f, lineterminator="\n"); wp = csv.writer(fp, lineterminator="\n")
    w.writerow(["case", "rho", "log_beta_sf"]); wp.writerow(["case", "p"])
    for name, p, rhos in cases():
        for x in p:
            wp.writerow([name, repr(x)])
        for rho in rhos:
            v = beta_sf(p, rho)
            w.writerow([name, rho, mp.nstr(mp.log(v), 20)])
            print(name, rho, mp.nstr(v, 12), flush=True)

# implied ρ*: the target β is the value at a known ρ (so the golden root is that ρ, checked by findroot)
with open(os.path.join(gold, "implied_rho.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n"); w.writerow(["case", "log_beta", "rho_star"])
    for name, p, _ in cases():
        if name != "pool67":
            continue
        for lb in (mp.mpf(-5.0),):
            root = mp.findroot(lambda r: mp.log(beta_sf(p, r)) - lb, (mp.mpf("0.2"), mp.mpf("0.8")), solver="anderson", tol=1e-20)
            w.writerow([name, mp.nstr(lb, 20), mp.nstr(root, 20)])
            print("rho*", lb, root, flush=True)
