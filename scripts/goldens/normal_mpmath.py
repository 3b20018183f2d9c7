#!/usr/bin/env python3
"""Golden values of Φ(x), log Φ(x) and the inverse Mills ratio φ(x)/Φ(x).

Independent source: mpmath at 50 digits (mpmath.ncdf, mpmath.npdf, mpmath.log) on x from −60 to
40: a fine grid through the region of the erfcx table (|x| < 39.5), the switch to Laplace's
continued fraction and both tails. Each x is first rounded to a double (the engine sees that
value), and log Φ for x > 0 is log1p(−Φ(−x)) (log of a number within 1e-50 of 1 would lose it).
Writes Tests/CoFailTests/Goldens/normal.csv.
"""
import csv, os, mpmath as mp

mp.mp.dps = 50
xs = sorted(set([mp.mpf(i) / 64 for i in range(-64 * 12, 64 * 12 + 1)] +
                [mp.mpf(i) / 4 for i in range(-240, 161)] +
                [mp.mpf(float(v)) for v in ("-39.49", "-39.5", "-39.51", "-37.2", "-27.9", "-8.000001", "7.999999", "1e-300", "-1e-300")]))
out = os.path.join(os.path.dirname(__file__), "../../Tests/CoFailTests/Goldens/normal.csv")
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["x", "cdf", "logcdf", "mills"])
    for x in xs:
        c = mp.ncdf(x)
        lc = mp.log1p(-mp.ncdf(-x)) if x > 0 else mp.log(c)
        w.writerow([mp.nstr(x, 25), mp.nstr(c, 25), mp.nstr(lc, 25), mp.nstr(mp.npdf(x) / c, 25)])
