/* Univariate normal distribution: Φ, log Φ, φ/Φ and Φ⁻¹ (METHODS §2, §3). */
#include "cf_normal.h"
#include "internal.h"
#include <gsl/gsl_cdf.h>

/* Φ, log Φ and φ/Φ share one evaluation: Φ(−|x|) = ½ exp(−x²/2) erfcx(|x|/√2) from the inlined
 * erfcx table (internal.h). For x < 0, log Φ = log(½ erfcx) − x²/2 and φ/Φ = √(2/π)/erfcx need
 * no exp at all; below −39.5 Laplace's continued fraction takes over. */
double cf_norm_cdf(double x) {
    return isnan(x) ? x : cf_Phi(x);
}

/* Laplace's continued fraction for the Mills ratio Φ(-t)/φ(t), t > 30: 20 terms are exact
 * to double precision there. */
static double mills_cf(double t) {
    double cf = t;
    for (int j = 20; j >= 1; j--)
        cf = t + j / cf;
    return 1.0 / cf;
}

double cf_norm_logcdf_mills(double x, double *mills) {
    if (x < -39.5) {
        double t = mills_cf(-x);
        *mills = 1.0 / t;
        return -0.5 * x * x - CF_LOG_SQRT2PI + log(t);
    }
    double r, e, q = cf_phi_tail(fabs(x), &r, &e);
    if (x < 0) {
        *mills = 0.79788456080286535588 / r; /* √(2/π) / erfcx(|x|/√2) */
        return log(0.5 * r) - 0.5 * x * x;
    }
    *mills = e / CF_SQRT2PI / (1.0 - q);
    return log1p(-q);
}

double cf_norm_logcdf(double x) {
    double mills;
    return isnan(x) ? x : cf_norm_logcdf_mills(x, &mills);
}

/* log Φ(v) and, when `mills` is not NULL, φ/Φ(v), for −39.5 <= v (the erfcx table's range), with
 * no libm call: below 0, log(erfcx(|v|/√2)/2) − v²/2; above, log1p(−Φ(−v)) as
 * log u − ((u − 1) + q)/u with u = 1 − q rounded (the correction restores what rounding u
 * lost). Both are computed and one kept, so loops over it vectorise. */
CF_INLINE double logcdf_lane(double v, double *mills) {
    double ax = fabs(v), r = cf_erfcx(ax * CF_SQRT1_2), e = cf_exp_mhalf_sq(ax);
    double q = ax < 39.5 ? 0.5 * e * r : 0, u = 1 - q;
    double lower = cf_log(0.5 * r) - 0.5 * v * v, upper = cf_log(u) - ((u - 1) + q) / u;
    if (mills)
        *mills = v < 0 ? 0.79788456080286535588 / r : e / CF_SQRT2PI / u;
    return v < 0 ? lower : upper;
}

/* The lanes in the table's range at once; the others (x < −39.5, NaN) by the scalar function. */
CF_SIMD_CLONES
int cf_norm_logcdf_batch(const double *x, size_t n, double *out) {
    if (n > 0 && (!x || !out))
        return CF_EINVAL;
    int far = 0;
#pragma clang loop vectorize(assume_safety)
    for (size_t i = 0; i < n; i++) {
        out[i] = logcdf_lane(x[i], NULL);
        far |= !(x[i] >= -39.5);
    }
    if (far)
        for (size_t i = 0; i < n; i++)
            if (!(x[i] >= -39.5))
                out[i] = cf_norm_logcdf(x[i]);
    return CF_OK;
}

double cf_norm_mills(double x) {
    double mills;
    if (isnan(x))
        return x;
    cf_norm_logcdf_mills(x, &mills);
    return mills;
}

double cf_norm_quantile(double p) {
    if (isnan(p) || p < 0 || p > 1)
        return NAN;
    if (p == 0)
        return -INFINITY;
    if (p == 1)
        return INFINITY;
    return gsl_cdf_ugaussian_Pinv(p);
}

double cf_norm_quantile_log(double log_p) {
    if (isnan(log_p) || log_p > 0)
        return NAN;
    if (log_p == -INFINITY)
        return -INFINITY;
    /* Upper half: from 1 − p = −expm1(log_p), which rounding p would lose near log_p = 0. */
    if (log_p > -M_LN2)
        return gsl_cdf_ugaussian_Qinv(-expm1(log_p));
    if (log_p > -700.0) {
        double x = gsl_cdf_ugaussian_Pinv(exp(log_p));
        /* One Newton step in log space removes the error of rounding p. */
        double mills, lc = cf_norm_logcdf_mills(x, &mills);
        return x - (lc - log_p) / mills;
    }
    /* Deep tail: asymptotic start, then Newton on log Φ(x) = log_p (monotone, concave). */
    double s = -2.0 * log_p;
    double x = -cf_sqrt(s - log(s) - log(2 * M_PI));
    for (int it = 0; it < 50; it++) {
        double mills, lc = cf_norm_logcdf_mills(x, &mills), step = (lc - log_p) / mills;
        x -= step;
        if (fabs(step) <= 1e-15 * fabs(x))
            break;
    }
    return x;
}

/* Abramowitz & Stegun 26.2.23: the upper-tail point x with Q(x) = P for 0 < P <= 1/2 to 4.5e-4,
 * from t = √(−2 log P). */
CF_INLINE double as_tail_point(double t) {
    return t - (2.515517 + t * (0.802853 + t * 0.010328)) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308)));
}

/* Start from A&S 26.2.23 (on P = p below the median, on P = 1 − p above it), then two Halley
 * steps on F(x) = log Φ(x) − log_p, whose derivatives are the Mills ratio λ and −λ(x + λ):
 * cubic convergence takes 4.5e-4 to the rounding level. Lanes outside (−700, 0) take the scalar
 * function. */
CF_SIMD_CLONES
int cf_norm_quantile_log_batch(const double *log_p, size_t n, double *out) {
    if (n > 0 && (!log_p || !out))
        return CF_EINVAL;
    int other = 0;
#pragma clang loop vectorize(assume_safety)
    for (size_t i = 0; i < n; i++) {
        double lp = log_p[i];
        int inside = lp > -700.0 && lp < 0;
        lp = inside ? lp : -1.0;
        other |= !inside;
        /* 1 − p without cancellation: a series where p is within 1e-5 of 1 */
        double upper = -lp * (1 + lp * (0.5 + lp * (1.0 / 6)));
        double q = lp > -1e-5 ? upper : 1 - cf_exp(lp);
        int below = lp < -0.6931471805599453;
        double t = cf_sqrt(-2 * (below ? lp : cf_log(q)));
        double x = below ? -as_tail_point(t) : as_tail_point(t);
        double m1, m2, f1 = logcdf_lane(x, &m1) - lp;
        x -= f1 / m1 / (1 + 0.5 * f1 * (x + m1) / m1);
        x = x < -39.0 ? -39.0 : x;
        double f2 = logcdf_lane(x, &m2) - lp;
        out[i] = x - f2 / m2 / (1 + 0.5 * f2 * (x + m2) / m2);
    }
    if (other)
        for (size_t i = 0; i < n; i++)
            if (!(log_p[i] > -700.0 && log_p[i] < 0))
                out[i] = cf_norm_quantile_log(log_p[i]);
    return CF_OK;
}
