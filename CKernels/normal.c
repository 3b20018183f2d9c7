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

/* The batch below: three rational fits to Φ⁻¹ of degrees (7, 7) from
 * scripts/gen/quantile_fits.py (mpmath), each within 8e-16 relative in double: central, p in [0.075, 0.925],
 * x = s·QC_N(r)/QC_D(r) with s = p − 1/2 and r = 0.425² − s²; tails, P = min(p, 1 − p) down to
 * e⁻⁷⁰⁰ and t = √(−2 log P), |x| = QN_N(t − t₀)/QN_D(t − t₀) for t <= 7 (t₀ = √(−2 log 0.075))
 * and QF_N(t − 7)/QF_D(t − 7) beyond. */
static const double QC_N[8] = {3.3871328727963665, 132.8314890374258, 1961.4483793923682, 13614.091438574385,
                               45337.68685597696,  66071.99893402327, 32637.492648907042, 2432.1071805335105};
static const double QC_D[8] = {1.0,
                               42.221755063440966,
                               683.9173577416191,
                               5351.669540267471,
                               20966.542528450365,
                               38671.831182407324,
                               28110.307332846736,
                               5081.572710020649};
static const double QN_N[8] = {1.439531470938456,  3.287026796862055,    2.8792863016896164,   1.2808819388359027,
                               0.3140733773966379, 0.042107680936717046, 0.002790202543926007, 6.712936761610647e-05};
static const double QN_D[8] = {1.0,
                               1.445676615635082,
                               0.831278878542404,
                               0.24094731335900135,
                               0.03645927076975266,
                               0.002638586273014007,
                               6.711804262813137e-05,
                               9.150564926230068e-11};
static const double QF_N[8] = {6.584003294399971,     3.8558208718465745,    0.8984774864265324,
                               0.10644556964957935,   0.006787447628948107,  0.00022648387453649992,
                               3.519957851147179e-06, 1.8587019757317417e-08};
static const double QF_D[8] = {1.0,
                               0.42764803778402577,
                               0.06957742038822427,
                               0.005385099859149028,
                               0.00020288276043086174,
                               3.3899139965502575e-06,
                               1.8586895848641237e-08,
                               1.9381862031299266e-16};
static const double QT0 = 2.2760787180788924;
/* −expm1(x)/(−x) = Σ_k x^k/(k + 1)!, k = 0 … 10 */
static const double EXPM1_SERIES[11] = {1.0,        1.0 / 2,     1.0 / 6,      1.0 / 24,      1.0 / 120,     1.0 / 720,
                                        1.0 / 5040, 1.0 / 40320, 1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800};

CF_INLINE double horner(const double *c, int n, double x) {
    double v = c[n - 1];
    for (int k = n - 2; k >= 0; k--)
        v = v * x + c[k];
    return v;
}

/* The fits above, with no refinement step: the inputs they are given, p = e^log_p, 1 − p and
 * log(1 − p), carry a relative error of a few ulps, which Φ⁻¹ passes on magnified at most by
 * its condition. 1 − p is −expm1(log_p) by its Taylor series (to the 11th power: below 1e-20
 * relative) where p > 0.923, so the upper tail keeps its precision as p nears 1. The tail
 * pieces share one evaluation with their coefficients chosen per lane, and the lane's pair of
 * polynomials takes one division. Lanes outside [−700, −1e-300] take the scalar function. */
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
        double p = cf_exp(lp), q = lp > -0.08 ? -lp * horner(EXPM1_SERIES, 11, lp) : 1 - p;
        int lower = p < 0.075, upper = q < 0.075;
        double t = cf_sqrt(-2 * (lower ? lp : cf_log(upper ? q : 0.5)));
        int far = t > 7;
        double u = t - (far ? 7 : QT0), tn = far ? QF_N[7] : QN_N[7], td = far ? QF_D[7] : QN_D[7];
        for (int k = 6; k >= 0; k--) {
            tn = tn * u + (far ? QF_N[k] : QN_N[k]);
            td = td * u + (far ? QF_D[k] : QN_D[k]);
        }
        double sc = p - 0.5, r = 0.180625 - sc * sc;
        double num = lower ? -tn : (upper ? tn : sc * horner(QC_N, 8, r)),
               den = lower || upper ? td : horner(QC_D, 8, r);
        out[i] = num / den;
    }
    if (other)
        scalar_outside(log_p, n, -700.0, -1e-300, cf_norm_quantile_log, out);
    return CF_OK;
}
