#!/usr/bin/env python3
"""Goldens for `cofail plan` (METHODS §15.4) from SciPy, independently of the engine:
the confidence sequence's ends as roots of log M_t(p) = log(1/δ') by scipy.optimize.brentq
(log B by scipy.special.betaln), δ' = δ/m; one-sided Clopper–Pearson bounds by scipy.stats.beta.ppf
(upper B⁻¹(1 − δ'; S + 1, t − S), lower B⁻¹(δ'; S, t − S + 1)). The sample at t has ⌊g·t⌋ successes
when g < o, ⌈g·t⌉ when g > o (search from ⌈1/g⌉); the first deciding t by doubling, then a linear
scan of the last doubling interval (all cases here keep it under 10⁵).

Writes Tests/CoFailTests/Goldens/plan.csv. Run from the repository root:
    python3 scripts/goldens/plan_scipy.py
"""
from golden_common import plan

CASES = [(0.01, 0.02, 43, 0.05), (0.05, 0.02, 43, 0.05), (0.02, 0.05, 1, 0.05), (0.1, 0.05, 1, 0.05),
         (0.0, 0.01, 10, 0.05), (0.3, 0.2, 5, 0.1), (0.3, 0.01, 1, 0.05), (0.001, 0.03, 20, 0.01),
         (0.5, 0.4, 2, 0.05), (0.04, 0.06, 67, 0.05)]


def main():
    with open("Tests/CoFailTests/Goldens/plan.csv", "w") as out:
        out.write("gain,overhead,models,delta,queries_sequential,queries_fixed_n\n")
        for g, o, m, d in CASES:
            a, b = plan(g, o, m, d)
            out.write("%r,%r,%d,%r,%d,%d\n" % (g, o, m, d, a, b))


if __name__ == "__main__":
    main()
