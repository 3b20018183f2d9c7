#ifndef CKERNELS_INTERNAL_H
#define CKERNELS_INTERNAL_H
/* Helpers shared by the kernels; not part of the public interface. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#define CF_SQRT2PI 2.50662827463100050242
#define CF_LOG_SQRT2PI 0.91893853320467274178
#define CF_SQRT1_2 0.70710678118654752440

typedef double (*cf_scalar_fn)(double x, void *ctx);

/* Small numeric helpers below are forced inline: inside the SIMD clones a call would stop the
 * loops around them from vectorising. */
#define CF_INLINE static inline __attribute__((always_inline))

/*
 * Brent's root finder on [a, b] with f(a), f(b) of opposite signs (or one of them zero).
 * Stops when the bracket is narrower than xtol (absolute) or f hits 0.
 * Returns CF_OK, CF_EDOM (no sign change) or CF_EMAXITER.
 */
int cf_brent(cf_scalar_fn f, void *ctx, double a, double b, double fa, double fb, double xtol, int max_iter,
             double *root);

/* Sorts x[0..n) ascending (no NaN): insertion for short arrays, which the kernels sort once per
 * call (a pool's thresholds, an integral's breakpoints), qsort beyond. */
void cf_sort_ascending(double *x, size_t n);

/* Run fn(arg, t) for t in [0, threads) on pthreads (inline when threads == 1). */
int cf_parallel(size_t threads, void (*fn)(void *arg, size_t t), void *arg);

/* cf_bvn_solve_r_warm with d = p − Φ(h)Φ(k) supplied by a caller that has the margins' Φ at hand
 * (d is ignored, and may be NaN, when h or k is infinite) and the start as an angle
 * θ0 = asin r0 (NaN for none), which callers can extrapolate without an asin per solve. */
int cf_bvn_solve_r_margins(double h, double k, double p, double d, double theta0, double *r_out);

/* The same for n problems at once (lane i: h[i], k[i], p[i], d[i], theta0[i]), each lane's root
 * in r[i] and its status (what cf_bvn_solve_r_margins returns) in status[i]; CF_EINVAL for a
 * NULL array or a negative tol, CF_ENOMEM. A lane's result does not depend on the other lanes.
 * tol = 0 gives cf_bvn_solve_r_margins' roots; tol > 0 stops each arcsine-form solve once its
 * estimated error in θ = asin r is below tol (resamples, whose roots need less). */
int cf_bvn_solve_r_batch(const double *h, const double *k, const double *p, const double *d, const double *theta0,
                         size_t n, double tol, double *r, int *status);

/* log Φ(x) and the inverse Mills ratio φ(x)/Φ(x) from one evaluation (x not NaN). */
double cf_norm_logcdf_mills(double x, double *mills);

/* Square root without errno semantics: every kernel checks its own domain, and a libm sqrt
 * that may set errno keeps the compiler from inlining it in loops it would vectorise. */
CF_INLINE double cf_sqrt(double x) {
#if __has_builtin(__builtin_elementwise_sqrt)
    return __builtin_elementwise_sqrt(x);
#else
    return __builtin_sqrt(x);
#endif
}

/*
 * exp(x) inlined so loops over quadrature nodes vectorise (glibc's exp is an opaque call).
 * Cody–Waite reduction x = k ln2 + r, |r| <= ln2/2, with fdlibm's split of ln 2 (k·LN2_HI is
 * exact), then the degree-13 Taylor polynomial (truncation < 4e-18 relative); 2^k is applied
 * in two halves so subnormal results and overflow to +inf come out right. NaN propagates.
 * Measured against expl on 2e7 points of [-745, 709]: < 0.72 ulp, with and without FMA; the
 * Φ₂ goldens and the inverse round-trip test guard its use.
 */
CF_INLINE double cf_exp(double x) {
    const double LOG2E = 1.4426950408889634074, LN2_HI = 6.93147180369123816490e-01,
                 LN2_LO = 1.90821492927058770002e-10, SHIFTER = 0x1.8p52;
    double xc = x < -746.0 ? -746.0 : (x > 710.0 ? 710.0 : x);
    double kd = xc * LOG2E + SHIFTER;
    union {
        double d;
        int64_t i;
    } kb = {kd};
    int64_t k = kb.i - (int64_t)0x4338000000000000LL; /* bits of SHIFTER: k in the low bits */
    kd -= SHIFTER;
    double r = (xc - kd * LN2_HI) - kd * LN2_LO;
    /* Estrin's scheme (depth 4 instead of Horner's 13) keeps scalar calls short in latency. */
    double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
    double q1 = 1.0 / 2 + r * (1.0 / 6), q2 = 1.0 / 24 + r * (1.0 / 120);
    double q3 = 1.0 / 720 + r * (1.0 / 5040), q4 = 1.0 / 40320 + r * (1.0 / 362880);
    double q5 = 1.0 / 3628800 + r * (1.0 / 39916800), q6 = 1.0 / 479001600 + r * (1.0 / 6227020800.0);
    double s1 = q1 + r2 * q2, s2 = q3 + r2 * q4, s3 = q5 + r2 * q6;
    double p = r + r2 * ((s1 + r4 * s2) + r8 * s3);
    p += 1.0;
    int64_t k1 = k >> 1, k2 = k - k1;
    union {
        int64_t i;
        double d;
    } sc1 = {(k1 + 1023) << 52}, sc2 = {(k2 + 1023) << 52};
    return p * sc1.d * sc2.d;
}

/* log x for positive normal x without a libm call, so loops over it vectorise: x = 2^e·m with
 * m in [√½, √2), log m = 2 atanh s, s = (m − 1)/(m + 1) (|s| <= 0.1716; m − 1 is exact), by its
 * series through s²³ (truncation < 2e-20), plus e·ln 2 in two parts. Within a few ulp of log;
 * exact relative accuracy near 1. Not for 0, subnormals, ∞ or NaN. */
CF_INLINE double cf_log(double x) {
    const double LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10;
    union {
        double d;
        int64_t i;
    } b = {x};
    int64_t e = ((b.i >> 52) & 0x7ff) - 1023;
    b.i = (b.i & 0x000fffffffffffffLL) | 0x3ff0000000000000LL;
    double m = b.d;
    int big = m > 1.4142135623730951;
    m = big ? 0.5 * m : m;
    e += big;
    double s = (m - 1) / (m + 1), z = s * s;
    double p = 1.0 / 23;
    p = p * z + 1.0 / 21;
    p = p * z + 1.0 / 19;
    p = p * z + 1.0 / 17;
    p = p * z + 1.0 / 15;
    p = p * z + 1.0 / 13;
    p = p * z + 1.0 / 11;
    p = p * z + 1.0 / 9;
    p = p * z + 1.0 / 7;
    p = p * z + 1.0 / 5;
    p = p * z + 1.0 / 3;
    double de = (double)e;
    return de * LN2_HI + (2 * s + (2 * s * z * p + de * LN2_LO));
}

/* Piecewise polynomials for erfcx(z) = exp(z²) erfc(z) on [0, 28) (CKernels/erfcx_table.c,
 * generated by scripts/gen/erfcx_table.py with mpmath): width 1/4 below 8, width 1 above,
 * degree 11 in z − centre, relative error <= 2.1e-16. */
#define CF_ERFCX_INTERVALS 52
extern const double cf_erfcx_coef[CF_ERFCX_INTERVALS][12];

/* erfcx(z) for 0 <= z < 28 (z is clamped into the table). */
CF_INLINE double cf_erfcx(double z) {
    double zc = z < 0 ? 0 : (z < 27.999999999 ? z : 27.999999999);
    int i = zc < 8 ? (int)(zc * 4) : 24 + (int)zc;
    double centre = zc < 8 ? (i + 0.5) * 0.25 : (i - 24) + 0.5, u = zc - centre;
    const double *c = cf_erfcx_coef[i];
    /* Estrin's scheme, as in cf_exp */
    double u2 = u * u, u4 = u2 * u2;
    double a = (c[0] + u * c[1]) + u2 * (c[2] + u * c[3]);
    double b = (c[4] + u * c[5]) + u2 * (c[6] + u * c[7]);
    double d = (c[8] + u * c[9]) + u2 * (c[10] + u * c[11]);
    return a + u4 * (b + u4 * d);
}

/* exp(−x²/2) with x² split exactly: x = xh + xl with xh on 26 bits, so xh² is exact and the
 * rest, xl(x + xh), is small. A plain exp(−x*x/2) would carry the rounding of x² (relative
 * error x²·2⁻⁵³, 3e-15 at |x| = 8) into the tails of Φ. */
CF_INLINE double cf_exp_mhalf_sq(double x) {
    union {
        double d;
        uint64_t u;
    } b = {x};
    b.u &= 0xFFFFFFFFF8000000ULL;
    double xh = b.d, xl = x - xh;
    return cf_exp(-0.5 * xh * xh) * cf_exp(-0.5 * xl * (x + xh));
}

/* Φ(−|x|) = ½ e·erfcx(|x|/√2) for |x| < 39.5 (0 beyond: below the smallest double), given
 * e = exp(−x²/2), with erfcx(|x|/√2) and e returned too: φ/Φ and log Φ follow without another
 * exp or erfc. */
CF_INLINE double cf_phi_tail_with(double ax, double e, double *erfcx_out, double *exp_out) {
    double r = cf_erfcx(ax * CF_SQRT1_2);
    *erfcx_out = r;
    *exp_out = e;
    return ax < 39.5 ? 0.5 * e * r : 0;
}

/* The same with exp(−x²/2) from the split square (relative accuracy in the far tail). */
CF_INLINE double cf_phi_tail(double ax, double *erfcx_out, double *exp_out) {
    return cf_phi_tail_with(ax, cf_exp_mhalf_sq(ax), erfcx_out, exp_out);
}

/* Φ(x) for non-NaN x. */
CF_INLINE double cf_Phi(double x) {
    double r, e, q = cf_phi_tail(fabs(x), &r, &e);
    return x < 0 ? q : 1.0 - q;
}

/* cf_phi_tail with exp(−x²/2) in one exp, without the split: its relative error x²·2⁻⁵³
 * (< 1.8e-13 below 39.5) carries into Φ(−|x|) and exp_out. Harmless where that is far below the
 * tolerance: sums of probabilities (Φ₂'s Φ(h)Φ(k), then ~2e-17 absolute) and the β_SF integrand,
 * a product of m such factors (relative error < m·x²·2⁻⁵³), where one exp less per model counts. */
CF_INLINE double cf_phi_tail_abs(double ax, double *erfcx_out, double *exp_out) {
    return cf_phi_tail_with(ax, cf_exp(-0.5 * ax * ax), erfcx_out, exp_out);
}

/* Φ(x) to ~2e-17 absolute (not relative in the far lower tail): cf_phi_tail_abs. */
CF_INLINE double cf_Phi_abs(double x) {
    double r, e, q = cf_phi_tail_abs(fabs(x), &r, &e);
    return x < 0 ? q : 1.0 - q;
}

/* sin δ and cos δ for |δ| <= 0.6 by their Taylor series through δ¹⁷ / δ¹⁸ (truncation < 1e-21),
 * inlined for the same reason as cf_exp: quadrature panels need them at every node. */
CF_INLINE void cf_small_sincos(double d, double *sd, double *cd) {
    double z = d * d;
    double s = -1.0 / 355687428096000.0;
    s = s * z + 1.0 / 1307674368000.0;
    s = s * z - 1.0 / 6227020800.0;
    s = s * z + 1.0 / 39916800.0;
    s = s * z - 1.0 / 362880.0;
    s = s * z + 1.0 / 5040.0;
    s = s * z - 1.0 / 120.0;
    s = s * z + 1.0 / 6.0;
    *sd = d - d * z * s;
    double c = 1.0 / 6402373705728000.0;
    c = c * z - 1.0 / 20922789888000.0;
    c = c * z + 1.0 / 87178291200.0;
    c = c * z - 1.0 / 479001600.0;
    c = c * z + 1.0 / 3628800.0;
    c = c * z - 1.0 / 40320.0;
    c = c * z + 1.0 / 720.0;
    c = c * z - 1.0 / 24.0;
    c = c * z + 0.5;
    *cd = 1.0 - z * c;
}

/* Hot quadrature loops are compiled twice on x86-64, for AVX2+FMA (x86-64-v3) and for the
 * baseline, and the loader picks one per machine: cf_exp's loops run four lanes wide. The loop
 * over the calls of a Φ₂ batch also gets an AVX-512 (x86-64-v4) version; short node loops and
 * β_SF's loop over models do not gain from one. Results can differ in the last bits between
 * versions (FMA rounds once), never between threads or runs on one machine.
 * -DCF_NO_SIMD_CLONES builds the baseline version only (scripts/checks/baseline_isa.sh checks it
 * against the goldens). */
#if defined(__x86_64__) && defined(__linux__) && !defined(CF_NO_SIMD_CLONES)
#define CF_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#define CF_SIMD_CLONES_WIDE __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define CF_SIMD_CLONES
#define CF_SIMD_CLONES_WIDE
#endif

/* Four doubles and four 64-bit integers as one vector (clang's extension: one AVX2 register,
 * two SSE or NEON registers). Comparisons give 0 or −1 per lane; a cast between the two types
 * reinterprets the bits. For sums that must keep a fixed order lane by lane. */
typedef double cf_v4d __attribute__((ext_vector_type(4)));
typedef int64_t cf_v4i __attribute__((ext_vector_type(4)));

static inline double cf_clamp01(double x) {
    return x < 0 ? 0 : (x > 1 ? 1 : x);
}

#endif
