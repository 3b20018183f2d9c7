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
    if (x == INFINITY) { /* φ/Φ → 0; the tail formula would take 0/0 */
        *mills = 0;
        return 0;
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
 * lost). One logarithm, of the side's argument; both forms are computed and one kept, so loops
 * over it vectorise. */
CF_INLINE double logcdf_lane(double v, double *mills) {
    double r, e, q = cf_phi_tail(fabs(v), &r, &e), u = 1 - q, l = cf_log(v < 0 ? 0.5 * r : u);
    double lower = l - 0.5 * v * v, upper = l - ((u - 1) + q) / u;
    if (mills) /* √(2/π)/erfcx(|v|/√2) below 0, φ(v)/Φ(v) above: one division */
        *mills = (v < 0 ? 0.79788456080286535588 : e * 0.39894228040143267794) / (v < 0 ? r : u);
    return v < 0 ? lower : upper;
}

/* out[i] = f(in[i]) for the i whose in[i] lies outside [lo, hi] or is NaN: the values a batch's
 * vector loop leaves to the scalar function. */
static void scalar_outside(const double *in, size_t n, double lo, double hi, double (*f)(double), double *out) {
    for (size_t i = 0; i < n; i++)
        if (!(in[i] >= lo && in[i] <= hi))
            out[i] = f(in[i]);
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
        scalar_outside(x, n, -39.5, INFINITY, cf_norm_logcdf, out);
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

/* The start of the batch below: rational fits to Φ⁻¹ from scripts/gen/quantile_start.py
 * (mpmath): central, p in [0.075, 0.925], x = s·P(s²)/Q(s²) with s = p − 1/2 (relative error
 * 3.4e-10); tails, P = min(p, 1 − p) down to e⁻⁷⁰⁰, |x| = A(t)/B(t) with t = √(−2 log P) (3.0e-9). */
static const double QS_P[5] = {2.506628275262591, -21.584365722091412, 60.50619945083077, -58.62677876007017,
                               10.977201100043155};
static const double QS_Q[5] = {1.0, -9.658113499452691, 31.94951416106321, -40.854460530294766, 15.181432300507225};
static const double QS_A[6] = {-3.0142884562049828, -5.259090726330682, 2.693462250035968,
                               2.860612981763545,   0.406183419469069,  0.010323360814185722};
static const double QS_B[5] = {1.0, 4.190021837725755, 2.9189449397098084, 0.40628172109351, 0.01032307281839584};

CF_INLINE double horner(const double *c, int n, double x) {
    double v = c[n - 1];
    for (int k = n - 2; k >= 0; k--)
        v = v * x + c[k];
    return v;
}

/* The start above, then one Halley step on F(x) = log Φ(x) − log_p, whose derivatives are the
 * Mills ratio λ and −λ(x + λ): cubic convergence takes the start's error (below 1.2e-7 in x) to
 * the rounding level. Lanes outside [−700, −1e-300] take the scalar function. */
CF_SIMD_CLONES
int cf_norm_quantile_log_batch(const double *log_p, size_t n, double *out) {
    if (n > 0 && (!log_p || !out))
        return CF_EINVAL;
    int other = 0;
#pragma clang loop vectorize(assume_safety)
    for (size_t i = 0; i < n; i++) {
        double lp = log_p[i];
        int inside = lp >= -700.0 && lp <= -1e-300;
        lp = inside ? lp : -1.0;
        other |= !inside;
        /* 1 − p without cancellation: a series where p is within 1e-5 of 1 */
        double series = -lp * (1 + lp * (0.5 + lp * (1.0 / 6))), p = cf_exp(lp);
        double q = lp > -1e-5 ? series : 1 - p;
        int lower = p < 0.075, upper = q < 0.075;
        double t = cf_sqrt(-2 * (lower ? lp : cf_log(upper ? q : 0.5)));
        double tail = horner(QS_A, 6, t) / horner(QS_B, 5, t), sc = p - 0.5, r = sc * sc;
        double x = lower ? -tail : (upper ? tail : sc * horner(QS_P, 5, r) / horner(QS_Q, 5, r));
        double m, f = logcdf_lane(x, &m) - lp;
        out[i] = x - f / m / (1 + 0.5 * f * (x + m) / m);
    }
    if (other)
        scalar_outside(log_p, n, -700.0, -1e-300, cf_norm_quantile_log, out);
    return CF_OK;
}
