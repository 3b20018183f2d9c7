/* Beta-mixture confidence sequences for a Bernoulli rate (METHODS §15.2). */
#include "cf_cs.h"
#include "internal.h"
#include <math.h>

static int valid(double s, double t, double a, double b) {
    return t >= 0 && s >= 0 && s <= t && a > 0 && b > 0 && isfinite(t) && isfinite(a) && isfinite(b);
}

/* log B(a + s, b + t − s) − log B(a, b). */
static double log_beta_ratio(double s, double t, double a, double b) {
    return lgamma(a + s) + lgamma(b + t - s) - lgamma(a + b + t) - (lgamma(a) + lgamma(b) - lgamma(a + b));
}

/* log M_t(p) given the Beta ratio; the p-terms vanish where their count is 0. */
static double log_m(double s, double t, double ratio, double p) {
    double v = ratio;
    if (s > 0)
        v -= s * log(p);
    if (t - s > 0)
        v -= (t - s) * log1p(-p);
    return v;
}

int cf_cs_log_m(double s, double t, double a, double b, double p, double *out) {
    if (!out)
        return CF_EINVAL;
    if (!valid(s, t, a, b) || !(p >= 0 && p <= 1))
        return CF_EDOM;
    *out = log_m(s, t, log_beta_ratio(s, t, a, b), p);
    return CF_OK;
}

/*
 * The root of f(p) = log M_t(p) − c in (lo, hi), where f(lo) and f(hi) have opposite signs and f
 * is monotone there: Newton with f'(p) = −s/p + (t − s)/(1 − p) from `start` (the midpoint when
 * it is not in [lo, hi]), each iterate kept inside the bracket that every evaluation shrinks
 * (bisection when Newton leaves it). From an end where f is finite, Newton on the convex f
 * approaches the root from that side, so a warm start near the root takes a few steps.
 */
static int root(
    double s, double t, double ratio, double c, double lo, double hi, int decreasing, double start, double *out) {
    double p = start >= lo && start <= hi ? start : 0.5 * (lo + hi);
    for (int it = 0; it < 200; it++) {
        double f = log_m(s, t, ratio, p) - c;
        /* f > 0 lies outside the interval: on the decreasing (lower) side that is below the root */
        if ((f > 0) == decreasing)
            lo = p;
        else
            hi = p;
        if (hi - lo <= 1e-13) {
            *out = 0.5 * (lo + hi);
            return CF_OK;
        }
        double d = -s / p + (t - s) / (1 - p);
        double next = d != 0 && isfinite(f) ? p - f / d : NAN;
        if (!(next > lo && next < hi))
            next = 0.5 * (lo + hi);
        if (fabs(next - p) <= 1e-14) {
            *out = next;
            return CF_OK;
        }
        p = next;
    }
    *out = p;
    return CF_EMAXITER;
}

int cf_cs_interval(double s, double t, double a, double b, double delta, double *lo, double *hi) {
    if (!lo || !hi)
        return CF_EINVAL;
    if (!valid(s, t, a, b) || !(delta > 0 && delta < 1))
        return CF_EDOM;
    *lo = 0;
    *hi = 1;
    if (t == 0)
        return CF_OK;
    double ratio = log_beta_ratio(s, t, a, b);
    double c = -log(delta);
    double mle = s / t;
    int st = CF_OK;
    if (s > 0)
        st = root(s, t, ratio, c, 0, mle, 1, -1, lo);
    if (st == CF_OK && s < t)
        st = root(s, t, ratio, c, mle, 1, 0, -1, hi);
    return st;
}

int cf_cs_table_fill(double a, double b, size_t n, double *lga, double *lgb, double *lgab) {
    if (!lga || !lgb || !lgab)
        return CF_EINVAL;
    if (!(a > 0 && b > 0 && isfinite(a) && isfinite(b)))
        return CF_EDOM;
    double ga = lgamma(a), gb = lgamma(b), gab = lgamma(a + b);
    for (size_t k = 0; k <= n; k++) {
        double dk = (double)k;
        lga[k] = lgamma(a + dk) - ga;
        lgb[k] = lgamma(b + dk) - gb;
        lgab[k] = lgamma(a + b + dk) - gab;
    }
    return CF_OK;
}

/* The running intersection's ends with their logs, so that the O(1) test needs no log call. */
typedef struct {
    double lo, log_lo, log1m_lo;
    double hi, log_hi, log1m_hi;
} ends;

static void set_lo(ends *e, double lo) {
    e->lo = lo;
    e->log_lo = log(lo);
    e->log1m_lo = log1p(-lo);
}

static void set_hi(ends *e, double hi) {
    e->hi = hi;
    e->log_hi = log(hi);
    e->log1m_hi = log1p(-hi);
}

/*
 * Moves the ends the O(1) test of the stream found outside the interval at (s, t) (`hi_cut`: the
 * upper end lies above s/t with log M_t(hi) >= c; `lo_cut` likewise below): each new end is the
 * root between s/t and the old end, by Newton from the old end (bracketed from the midpoint when
 * the end is still at 0 or 1).
 */
static int cut(ends *e, double s, double t, double ratio, double c, int hi_cut, int lo_cut) {
    double mle = s / t;
    double r;
    if (hi_cut) {
        int st = root(s, t, ratio, c, mle, e->hi, 0, e->hi < 1 ? e->hi : -1, &r);
        if (st != CF_OK)
            return st;
        if (r < e->hi)
            set_hi(e, r);
    }
    if (lo_cut) {
        int st = root(s, t, ratio, c, e->lo, mle, 1, e->lo > 0 ? e->lo : -1, &r);
        if (st != CF_OK)
            return st;
        if (r > e->lo)
            set_lo(e, r);
    }
    return CF_OK;
}

int cf_cs_stream_advance(
    const cf_cs_table *table, double delta, double o, const uint64_t *bits, const uint64_t *exclude, int64_t t_end,
    const int64_t *stops, size_t nstops, int64_t *stop_s, double *stop_lo, double *stop_hi, int64_t *passage,
    size_t npassage, cf_cs_stream *st) {
    if (!table || !st || !bits || !table->lga || !table->lgb || !table->lgab)
        return CF_EINVAL;
    if (nstops > 0 && (!stops || !stop_s || !stop_lo || !stop_hi))
        return CF_EINVAL;
    if (t_end < 0 || (uint64_t)t_end > table->n)
        return CF_EINVAL;
    if (!(delta > 0 && delta < 1) || !(o >= 0 && o <= 1))
        return CF_EDOM;
    if (!(st->t >= 0 && st->s >= 0 && st->s <= st->t && st->t <= t_end && st->lo >= 0 && st->hi <= 1))
        return CF_EDOM;
    double c = -log(delta);
    ends e;
    set_lo(&e, st->lo);
    set_hi(&e, st->hi);
    size_t j = 0;
    while (j < nstops && stops[j] <= st->t)
        j++;
    int64_t s = st->s;
    int status = CF_OK;
    const double *lga = table->lga, *lgb = table->lgb, *lgab = table->lgab;
    int64_t q = st->t;
    while (q < t_end && status == CF_OK) {
        uint64_t word = bits[q >> 6];
        if (exclude)
            word &= ~exclude[q >> 6];
        int64_t stop = (q | 63) + 1 < t_end ? (q | 63) + 1 : t_end;
        for (; q < stop; q++) {
            int64_t x = (int64_t)((word >> (q & 63)) & 1);
            int64_t t = q + 1;
            s += x;
            if (passage) {
                uint64_t v = (uint64_t)(s - 1);
                if (v < npassage) {
                    int64_t old = passage[v];
                    passage[v] = x && old < t ? t : old;
                }
            }
            double ratio = lga[s] + lgb[t - s] - lgab[t];
            double ds = (double)s, dt = (double)t;
            /* The O(1) tests of the ends, without branches: most observations move neither end. An end
             * at 1 (or 0) gives an infinite log M that passes the test, or NaN (no cut) where its
             * count is 0 and the end cannot move. */
            double f_hi = ratio - ds * e.log_hi - (dt - ds) * e.log1m_hi;
            double f_lo = ratio - ds * e.log_lo - (dt - ds) * e.log1m_lo;
            int hi_cut = (e.hi * dt > ds) & (f_hi >= c);
            int lo_cut = (e.lo * dt < ds) & (f_lo >= c);
            if (hi_cut || lo_cut) {
                status = cut(&e, ds, dt, ratio, c, hi_cut, lo_cut);
                if (status != CF_OK)
                    break;
                if (!st->t_hi_below && e.hi < o)
                    st->t_hi_below = t;
                if (!st->t_lo_reached && e.lo >= o)
                    st->t_lo_reached = t;
                if (!st->t_empty && e.lo > e.hi)
                    st->t_empty = t;
            }
            st->t = t;
            st->s = s;
            while (j < nstops && stops[j] == t) {
                stop_s[j] = s;
                stop_lo[j] = e.lo;
                stop_hi[j] = e.hi;
                j++;
            }
        }
    }
    st->lo = e.lo;
    st->hi = e.hi;
    return status;
}
