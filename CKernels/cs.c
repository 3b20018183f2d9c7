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
 * is monotone there: Newton with f'(p) = −s/p + (t − s)/(1 − p), each iterate kept inside the
 * bracket that every evaluation shrinks (bisection when Newton leaves it).
 */
static int root(double s, double t, double ratio, double c, double lo, double hi, int decreasing, double *out) {
    double p = 0.5 * (lo + hi);
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
        double next = d != 0 ? p - f / d : NAN;
        if (!(next > lo && next < hi))
            next = 0.5 * (lo + hi);
        if (fabs(next - p) <= 1e-15) {
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
        st = root(s, t, ratio, c, 0, mle, 1, lo);
    if (st == CF_OK && s < t)
        st = root(s, t, ratio, c, mle, 1, 0, hi);
    return st;
}
