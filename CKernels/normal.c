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

/* Below 0: log(erfcx(|x|/√2)/2) − x²/2; above: log1p(−Φ(−x)) as log u − ((u − 1) + q)/u with
 * u = 1 − q rounded (the correction restores what rounding u lost), all lanes both ways and one
 * kept. Beyond the erfcx table (x < −39.5) and NaN: the scalar function. */
CF_SIMD_CLONES
int cf_norm_logcdf_batch(const double *x, size_t n, double *out) {
    if (n > 0 && (!x || !out))
        return CF_EINVAL;
    int far = 0;
#pragma clang loop vectorize(assume_safety)
    for (size_t i = 0; i < n; i++) {
        double v = x[i], ax = fabs(v), r = cf_erfcx(ax * CF_SQRT1_2);
        double q = ax < 39.5 ? 0.5 * cf_exp_mhalf_sq(ax) * r : 0, u = 1 - q;
        double lower = cf_log(0.5 * r) - 0.5 * v * v, upper = cf_log(u) - ((u - 1) + q) / u;
        out[i] = v < 0 ? lower : upper;
        far |= !(v >= -39.5);
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
    if (log_p > -700.0) {
        double p = exp(log_p);
        if (p < 1) {
            double x = gsl_cdf_ugaussian_Pinv(p);
            if (log_p > -1e-3)
                return x; /* upper region: p itself is exact enough */
            /* One Newton step in log space removes the error of rounding p. */
            double mills, lc = cf_norm_logcdf_mills(x, &mills);
            return x - (lc - log_p) / mills;
        }
        return gsl_cdf_ugaussian_Qinv(-expm1(log_p));
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
