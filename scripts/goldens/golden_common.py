"""Helpers shared by the golden generators, each an independent restatement of METHODS:
§13.7's portable order (FNV-1a-64, SplitMix64, with Python integers), the Beta-mixture confidence
sequence of §15.2 (ends by scipy.optimize.brentq on log M_t, log B by scipy.special.betaln), the
one-sided Clopper–Pearson bounds (scipy.stats.beta.ppf) and §15.4's queries-to-decide search."""
import math

from scipy import optimize, special, stats

M64 = (1 << 64) - 1


def fnv1a64(s):
    h = 0xcbf29ce484222325
    for b in s.encode():
        h ^= b
        h = (h * 0x100000001b3) & M64
    return h


def splitmix64(x):
    z = (x + 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def seeded_order(ids, seed):
    """Positions sorted by (SplitMix64(FNV-1a-64(id) XOR seed), UTF-8 bytes of id)."""
    keys = [splitmix64(fnv1a64(i) ^ seed) for i in ids]
    return sorted(range(len(ids)), key=lambda q: (keys[q], ids[q].encode()))


def log_m(s, t, p, a=0.5, b=0.5):
    v = special.betaln(a + s, b + t - s) - special.betaln(a, b)
    if s > 0:
        v -= s * math.log(p)
    if t - s > 0:
        v -= (t - s) * math.log1p(-p)
    return v


def cs(s, t, level, a=0.5, b=0.5):
    """The level's interval {p : M_t(p) < 1/level} after s successes in t."""
    c = -math.log(level)
    f = lambda p: log_m(s, t, p, a, b) - c
    mle = s / t
    lo = 0.0 if s == 0 else optimize.brentq(f, 1e-300, mle, xtol=1e-15, rtol=1e-15)
    hi = 1.0 if s == t else optimize.brentq(f, mle, 1 - 1e-16, xtol=1e-15, rtol=1e-15)
    return lo, hi


def cp_upper(s, t, level):
    return 1.0 if s == t else float(stats.beta.ppf(1 - level, s + 1, t - s))


def cp_lower(s, t, level):
    return 0.0 if s == 0 else float(stats.beta.ppf(level, s, t - s + 1))


def first(start, decides):
    """§15.4: the first t >= start with decides(t): doubling, then a linear scan of the last
    doubling interval, or bisection when it is over 10⁵ long."""
    hi = start
    while not decides(hi):
        hi *= 2
    if hi == start:
        return start
    lo = hi // 2
    if hi - lo > 100000:
        while hi - lo > 1:
            mid = lo + (hi - lo) // 2
            if decides(mid):
                hi = mid
            else:
                lo = mid
        return hi
    t = lo + 1
    while t < hi and not decides(t):
        t += 1
    return t


def plan(g, o, m, delta):
    """(sequential, fixed-n) queries to decide for a sample whose every G_i equals g."""
    level = delta / m
    below = g < o
    succ = (lambda t: math.floor(g * t)) if below else (lambda t: min(t, math.ceil(g * t)))
    start = 1 if below else max(1, math.ceil(1 / g))

    def seq(t):
        lo, hi = cs(succ(t), t, level)
        return hi < o if below else lo >= o

    def cp(t):
        s = succ(t)
        return cp_upper(s, t, level) < o if below else cp_lower(s, t, level) >= o

    return first(start, seq), first(start, cp)
