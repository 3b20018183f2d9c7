/*
 * Bivariate normal probabilities (METHODS §2).
 * Φ₂ follows Genz (2004), "Numerical computation of rectangular bivariate and trivariate
 * normal and t probabilities", Stat. Comput. 14:251–260, itself a refinement of
 * Drezner & Wesolowsky (1990).
 */
#include "cf_bvn.h"
#include "internal.h"
#include <stdlib.h>

/* Gauss–Legendre half-rules on [-1, 1] (positive nodes, weights): 2 and 4 points for the short
 * increments of Φ₂'s inverse (numpy.polynomial.legendre.leggauss), Genz's 6, 12 and 20. */
static const double GL2_X[1] = {0.57735026918962576451}, GL2_W[1] = {1.0};
static const double GL4_X[2] = {0.8611363115940526, 0.33998104358485626};
static const double GL4_W[2] = {0.34785484513745357, 0.6521451548625464};
static const double GL6_X[3] = {0.9324695142031519, 0.6612093864662645, 0.2386191860831969};
static const double GL6_W[3] = {0.17132449237917027, 0.3607615730481387, 0.46791393457269104};
static const double GL12_X[6] = {0.9815606342467192, 0.9041172563704748, 0.7699026741943047,
                                 0.5873179542866175, 0.3678314989981802, 0.1252334085114689};
static const double GL12_W[6] = {0.04717533638651141, 0.10693932599531907, 0.16007832854334642,
                                 0.20316742672306573, 0.2334925365383546,  0.2491470458134027};
static const double GL20_X[10] = {0.993128599185095,   0.9639719272779138, 0.912234428251326,  0.8391169718222188,
                                  0.7463319064601508,  0.636053680726515,  0.5108670019508271, 0.37370608871541955,
                                  0.22778585114164507, 0.07652652113349734};
static const double GL20_W[10] = {0.017614007139150893, 0.040601429800386446, 0.06267204833410879, 0.08327674157670471,
                                  0.1019301198172407,   0.1181945319615186,   0.1316886384491769,  0.1420961093183824,
                                  0.14917298647260424,  0.15275338713072628};

/* The rules by index, with their node counts; Genz's are ARC_GL6 + 0, 1, 2. */
enum { ARC_GL2, ARC_GL4, ARC_GL6, ARC_GL12, ARC_GL20, ARC_RULES };
static const double *const ARC_X[ARC_RULES] = {GL2_X, GL4_X, GL6_X, GL12_X, GL20_X};
static const double *const ARC_W[ARC_RULES] = {GL2_W, GL4_W, GL6_W, GL12_W, GL20_W};
static const int ARC_NG[ARC_RULES] = {1, 2, 3, 6, 10};

/* asin without a libm call, so loops over many Φ₂ vectorise: asin(x) = x·P(x²) for |x| <= 1/2,
 * π/2 − 2s·P(s²) with s = √((1 − |x|)/2) above; P from scripts/gen/asin_poly.py (mpmath),
 * relative error <= 5.6e-16 for |x| <= 0.93. */
static const double ASIN_P[13] = {1.0,
                                  0.16666666666664942,
                                  0.07500000000385201,
                                  0.044642856805998936,
                                  0.03038195969768514,
                                  0.022371749733164054,
                                  0.01735977964134998,
                                  0.01388484282640208,
                                  0.012170138592391726,
                                  0.0065293020047365695,
                                  0.019513468251252167,
                                  -0.016187392271599134,
                                  0.03187962140081284};

CF_INLINE double asin_inline(double x) {
    const double PIO2_HI = 1.57079632679489655800e+00, PIO2_LO = 6.12323399573676603587e-17;
    const double *c = ASIN_P;
    double ax = fabs(x);
    int small = ax <= 0.5;
    double t = small ? ax * ax : 0.5 * (1 - ax), s = small ? ax : cf_sqrt(t);
    double t2 = t * t, t4 = t2 * t2, t8 = t4 * t4;
    double a = (c[0] + t * c[1]) + t2 * (c[2] + t * c[3]);
    double b = (c[4] + t * c[5]) + t2 * (c[6] + t * c[7]);
    double d = (c[8] + t * c[9]) + t2 * (c[10] + t * c[11]);
    double p = (a + t4 * b) + t8 * (d + t4 * c[12]);
    double v = small ? s * p : (PIO2_HI - 2 * s * p) + PIO2_LO;
    return copysign(v, x);
}

/* Φ₂(h, k; r) for |r| < 0.925 by Genz's arcsine form,
 *   Φ(h)Φ(k) + (1/2π) ∫_0^{asin r} exp(−(h² + k² − 2hk sin θ)/(2cos²θ)) dθ,
 * with a Gauss–Legendre half-rule (x, w, ng) on the nodes asr(1 ± x_i), asr = asin(r)/2, whose
 * sines come from the half-angle values of asr and the series at asr·x_i. The pieces below are
 * shared by the one-call path (its exp loop vectorises over nodes) and the batch path (a loop
 * over calls whose node loops are unrolled), so both do the same arithmetic. */
typedef struct {
    double hk, hs, asr, sa, ca;
} arc_state;

CF_INLINE arc_state arc_start(double h, double k, double r) {
    arc_state s = {h * k, 0.5 * (h * h + k * k), 0.5 * asin_inline(r), 0, 0};
    s.ca = cf_sqrt(0.5 * (1 + cf_sqrt((1 - r) * (1 + r))));
    s.sa = 0.5 * r / s.ca;
    return s;
}

/* The exponents at asr(1 − x_i) and asr(1 + x_i), with one division for the pair. */
CF_INLINE void arc_args(arc_state s, double xi, double *am, double *ap) {
    double sd, cd;
    cf_small_sincos(s.asr * xi, &sd, &cd);
    double sm = s.sa * cd - s.ca * sd, sp = s.sa * cd + s.ca * sd;
    double cm = 1 - sm * sm, cp = 1 - sp * sp, inv = 1 / (cm * cp);
    *am = (sm * s.hk - s.hs) * cp * inv;
    *ap = (sp * s.hk - s.hs) * cm * inv;
}

CF_INLINE double arc_finish(double h, double k, arc_state s, double sum) {
    return cf_clamp01(sum * s.asr / (2 * M_PI) + cf_Phi_abs(h) * cf_Phi_abs(k));
}

/* Σ_i w_i (e^{g(asr(1 − x_i))} + e^{g(asr(1 + x_i))}); the exp loop vectorises over nodes. */
CF_INLINE double arc_sum(arc_state s, const double *x, const double *w, int ng) {
    double arg[20], sum = 0;
    for (int i = 0; i < ng; i++)
        arc_args(s, x[i], &arg[2 * i], &arg[2 * i + 1]);
    for (int i = 0; i < 2 * ng; i++)
        arg[i] = cf_exp(arg[i]);
    for (int i = 0; i < ng; i++)
        sum += w[i] * (arg[2 * i] + arg[2 * i + 1]);
    return sum;
}

/* Genz's rules for |r| < 0.925: 6, 12 or 20 points by |r| (0, 1, 2: ARC_GL6 + the value). */
CF_INLINE int genz_rule(double ar) {
    return ar < 0.3 ? 0 : (ar < 0.75 ? 1 : 2);
}

/* The same rule from the arc |asin r| (the Φ₂ inverse works in the angle): asin 0.3, asin 0.75. */
CF_INLINE int genz_rule_arc(double at) {
    return at < 0.30469265401539750797 ? 0 : (at < 0.84806207898148100805 ? 1 : 2);
}

CF_INLINE double arc_value(double h, double k, double r) {
    int q = genz_rule(fabs(r));
    arc_state s = arc_start(h, k, r);
    return arc_finish(h, k, s, arc_sum(s, ARC_X[ARC_GL6 + q], ARC_W[ARC_GL6 + q], ARC_NG[ARC_GL6 + q]));
}

/* Upper orthant P(X > h, Y > k; r) for 0.925 <= |r| < 1 and finite h, k (Genz's BVNU, near-
 * singular branch): the singular part of the integrand is subtracted analytically and the rest
 * integrated by the 20-point rule. Branches are selects; as for the arcsine rule, the pieces
 * serve the one-call and the batch paths alike. */
typedef struct {
    double h, k, r, hk, bs, c, d, ah, base;
} near_state;

CF_INLINE near_state near_start(double h, double k, double r) {
    double ar = fabs(r);
    k = r < 0 ? -k : k;
    double hk = h * k, as = (1 - ar) * (1 + ar), a = cf_sqrt(as), bs = (h - k) * (h - k);
    double asr = -0.5 * (bs / as + hk), c = (4 - hk) / 8, d = (12 - hk) / 80;
    double lead = a * cf_exp(asr) * (1 - c * (bs - as) * (1 - d * bs) / 3 + c * d * as * as);
    double b = cf_sqrt(bs);
    double tail = cf_exp(-0.5 * hk) * CF_SQRT2PI * cf_Phi(-b / a) * b * (1 - c * bs * (1 - d * bs) / 3);
    near_state s = {h, k, r, hk, bs, c, d, 0.5 * a, (asr > -100 ? lead : 0) - (hk > -100 ? tail : 0)};
    return s;
}

/* Node ah(1 + t): its square xs, √(1 − xs) and the two exponents. */
CF_INLINE double near_node(near_state s, double t, double *e1, double *e2, double *rs) {
    double v = s.ah * (1 + t), xs = v * v;
    *rs = cf_sqrt(1 - xs);
    *e1 = -0.5 * (s.bs / xs + s.hk);
    *e2 = -0.5 * s.hk * xs / ((1 + *rs) * (1 + *rs));
    return xs;
}

/* w·e^{e1}·(1 + c·xs(1 + 5d·xs) − e^{e2}/rs); Genz drops nodes whose weight underflows (without
 * the mask e^{−hk} could overflow). */
CF_INLINE double near_term(near_state s, double wi, double xs, double e1, double rs, double x1, double x2) {
    double sp = 1 + s.c * xs * (1 + 5 * s.d * xs);
    return e1 > -100 ? wi * x1 * (sp - x2 / rs) : 0;
}

CF_INLINE double near_finish(near_state s, double sum) {
    double h = s.h, k = s.k, bvn = (s.ah * sum - s.base) / (2 * M_PI);
    /* back to the orthant asked for: r > 0 adds Φ(−max(h, k)); r < 0 reflects */
    double p1 = s.r > 0 ? -fmax(h, k) : (h < 0 ? k : -h), p2 = h < 0 ? h : -k;
    double u = cf_Phi(p1), v = cf_Phi(p2);
    return cf_clamp01(s.r > 0 ? bvn + u : (h >= k ? -bvn : (u - v) - bvn));
}

/* The node loops are unrolled so that the batch's loop over calls has a straight-line body. */
CF_INLINE double near_one_value(double h, double k, double r) {
    near_state s = near_start(h, k, r);
    double xs[20], e1[20], e2[20], rs[20], x1[20], x2[20], sum = 0;
#pragma clang loop unroll(full)
    for (int i = 0; i < 20; i++)
        xs[i] = near_node(s, i & 1 ? GL20_X[i >> 1] : -GL20_X[i >> 1], &e1[i], &e2[i], &rs[i]);
#pragma clang loop unroll(full)
    for (int i = 0; i < 20; i++) {
        x1[i] = cf_exp(e1[i]);
        x2[i] = cf_exp(e2[i]);
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < 20; i++)
        sum += near_term(s, GL20_W[i >> 1], xs[i], e1[i], rs[i], x1[i], x2[i]);
    return near_finish(s, sum);
}

/* Upper orthant P(X > h, Y > k; r): Genz's BVNU. */
CF_SIMD_CLONES
static double bvnu(double h, double k, double r) {
    if (h == INFINITY || k == INFINITY)
        return 0;
    if (h == -INFINITY)
        return k == -INFINITY ? 1 : cf_norm_cdf(-k);
    if (k == -INFINITY)
        return cf_norm_cdf(-h);
    if (r == 0)
        return cf_norm_cdf(-h) * cf_norm_cdf(-k);
    double ar = fabs(r);
    if (ar < 0.925)
        return arc_value(-h, -k, r);
    if (ar < 1)
        return near_one_value(h, k, r);
    /* r = ±1: the comonotone and countermonotone limits */
    if (r > 0)
        return cf_norm_cdf(-fmax(h, k));
    k = -k;
    if (h >= k)
        return 0;
    return cf_clamp01(h < 0 ? cf_norm_cdf(k) - cf_norm_cdf(h) : cf_norm_cdf(-h) - cf_norm_cdf(-k));
}

double cf_bvn_cdf_raw(double h, double k, double r) {
    return bvnu(-h, -k, r);
}

int cf_bvn_cdf(double h, double k, double r, double *out) {
    if (!out)
        return CF_EINVAL;
    if (isnan(h) || isnan(k) || isnan(r) || fabs(r) > 1)
        return CF_EDOM;
    *out = bvnu(-h, -k, r);
    return CF_OK;
}

int cf_bvn_pdf(double h, double k, double r, double *out) {
    if (!out)
        return CF_EINVAL;
    if (isnan(h) || isnan(k) || isnan(r) || !(fabs(r) < 1))
        return CF_EDOM;
    double om = (1 - r) * (1 + r);
    double q = (h * h - 2 * r * h * k + k * k) / om;
    *out = isinf(q) ? 0 : exp(-0.5 * q) / (2 * M_PI * cf_sqrt(om));
    return CF_OK;
}

/* The batch path: arc_sum's pieces and summation order with the node loops fully unrolled,
 * so that a loop over calls has a straight-line body and vectorises across calls. (Unrolled
 * in the one-call path, the same loops ran 40 % slower there: the exp loop no longer
 * vectorises over nodes.) */
CF_INLINE double arc_sum_unrolled(arc_state s, const double *x, const double *w, int ng) {
    double arg[20], sum = 0;
#pragma clang loop unroll(full)
    for (int i = 0; i < ng; i++)
        arc_args(s, x[i], &arg[2 * i], &arg[2 * i + 1]);
#pragma clang loop unroll(full)
    for (int i = 0; i < 2 * ng; i++)
        arg[i] = cf_exp(arg[i]);
#pragma clang loop unroll(full)
    for (int i = 0; i < ng; i++)
        sum += w[i] * (arg[2 * i] + arg[2 * i + 1]);
    return sum;
}

CF_INLINE double arc_rule_unrolled(double h, double k, double r, int q) {
    arc_state s = arc_start(h, k, r);
    return arc_finish(h, k, s, arc_sum_unrolled(s, ARC_X[ARC_GL6 + q], ARC_W[ARC_GL6 + q], ARC_NG[ARC_GL6 + q]));
}

enum { BATCH_BLOCK = 1024 };

/* One rule over many calls: rules 0–2 are Genz's arcsine rules, 3 the near-singular one.
 * Each branch passes a constant rule, so its node loops unroll. */
CF_SIMD_CLONES_WIDE
static void rule_batch(const double *h, const double *k, const double *r, size_t cnt, int rule, double *out) {
    if (rule == 0) {
#pragma clang loop vectorize(assume_safety)
        for (size_t j = 0; j < cnt; j++)
            out[j] = arc_rule_unrolled(h[j], k[j], r[j], 0);
    } else if (rule == 1) {
#pragma clang loop vectorize(assume_safety)
        for (size_t j = 0; j < cnt; j++)
            out[j] = arc_rule_unrolled(h[j], k[j], r[j], 1);
    } else if (rule == 2) {
#pragma clang loop vectorize(assume_safety)
        for (size_t j = 0; j < cnt; j++)
            out[j] = arc_rule_unrolled(h[j], k[j], r[j], 2);
    } else {
#pragma clang loop vectorize(assume_safety)
        for (size_t j = 0; j < cnt; j++)
            out[j] = near_one_value(-h[j], -k[j], r[j]);
    }
}

int cf_bvn_cdf_batch(const double *h, const double *k, const double *r, size_t n, double *out) {
    if (!h || !k || !r || !out)
        return CF_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (isnan(h[i]) || isnan(k[i]) || isnan(r[i]) || fabs(r[i]) > 1)
            return CF_EDOM;
    if (n == 0)
        return CF_OK;
    /* Blocks of calls are sorted by Genz's rule (three arcsine rules and the near-singular
     * one); r = 0, |r| = 1 and infinite limits take the scalar path. Same arithmetic as
     * cf_bvn_cdf, call by call. Blocks of 1024 keep the vector remainders rare (256 was
     * measured 15 % slower). */
    size_t block = n < BATCH_BLOCK ? n : BATCH_BLOCK;
    double *buf = malloc(13 * block * sizeof *buf);
    size_t *pos = malloc(4 * block * sizeof *pos);
    if (!buf || !pos) {
        free(buf);
        free(pos);
        return CF_ENOMEM;
    }
    double *hb = buf, *kb = buf + 4 * block, *rb = buf + 8 * block, *ob = buf + 12 * block;
    for (size_t b0 = 0; b0 < n; b0 += block) {
        size_t bn = n - b0 < block ? n - b0 : block, cnt[4] = {0, 0, 0, 0};
        for (size_t i = b0; i < b0 + bn; i++) {
            double ar = fabs(r[i]);
            if (!(isfinite(h[i]) && isfinite(k[i]) && r[i] != 0 && ar < 1)) {
                out[i] = bvnu(-h[i], -k[i], r[i]);
                continue;
            }
            size_t q = ar < 0.925 ? (size_t)genz_rule(ar) : 3, c = q * block + cnt[q]++;
            hb[c] = h[i];
            kb[c] = k[i];
            rb[c] = r[i];
            pos[c] = i;
        }
        for (size_t q = 0; q < 4; q++) {
            rule_batch(hb + q * block, kb + q * block, rb + q * block, cnt[q], (int)q, ob);
            for (size_t j = 0; j < cnt[q]; j++)
                out[pos[q * block + j]] = ob[j];
        }
    }
    free(buf);
    free(pos);
    return CF_OK;
}

int cf_bvn_solve_r(double h, double k, double p, double *r_out) {
    return cf_bvn_solve_r_warm(h, k, p, NAN, r_out);
}

int cf_bvn_solve_r_warm(double h, double k, double p, double r0, double *r_out) {
    if (!r_out)
        return CF_EINVAL;
    int status;
    int st = cf_bvn_solve_r_warm_batch(&h, &k, &p, &r0, 1, r_out, &status);
    return st == CF_OK ? status : st;
}

int cf_bvn_solve_r_warm_batch(const double *h, const double *k, const double *p, const double *r0, size_t n, double *r,
                              int *status) {
    if (!h || !k || !p || !r0 || !r || !status)
        return CF_EINVAL;
    double *buf = malloc(2 * (n > 0 ? n : 1) * sizeof *buf);
    if (!buf)
        return CF_ENOMEM;
    double *d = buf, *theta = buf + n;
    for (size_t i = 0; i < n; i++) {
        d[i] = isfinite(h[i]) && isfinite(k[i]) ? p[i] - cf_norm_cdf(h[i]) * cf_norm_cdf(k[i]) : NAN;
        theta[i] = isfinite(r0[i]) && fabs(r0[i]) < 1 ? asin(r0[i]) : NAN;
    }
    int st = cf_bvn_solve_r_batch(h, k, p, d, theta, n, 0, r, status);
    free(buf);
    return st;
}

int cf_bvn_solve_r_margins(double h, double k, double p, double d, double theta0, double *r_out) {
    if (!r_out)
        return CF_EINVAL;
    int status;
    int st = cf_bvn_solve_r_batch(&h, &k, &p, &d, &theta0, 1, 0, r_out, &status);
    return st == CF_OK ? status : st;
}

/* Newton on r over [−1, 1] with bisection, for the roots the arcsine solver does not reach:
 * |r| >= 0.925 or an infinite h or k. */
static int solve_newton(double h, double k, double p, double d, double theta0, double *r_out) {
    double r0 = isfinite(theta0) && fabs(theta0) < M_PI_2 ? sin(theta0) : NAN;
    double lo = -1, hi = 1;
    double flo = bvnu(-h, -k, -1) - p, fhi = bvnu(-h, -k, 1) - p;
    /* p computed by Φ₂ itself can sit a rounding error outside the attainable range. */
    if (flo > 0 && flo <= 4e-16)
        flo = 0;
    if (fhi < 0 && fhi >= -4e-16)
        fhi = 0;
    if (flo > 0 || fhi < 0)
        return CF_EDOM;
    if (flo == 0) {
        *r_out = -1;
        return CF_OK;
    }
    if (fhi == 0) {
        *r_out = 1;
        return CF_OK;
    }
    /* First-order start: Φ₂ ≈ Φ(h)Φ(k) + φ(h)φ(k) r. */
    double ph = exp(-0.5 * h * h) / CF_SQRT2PI, pk = exp(-0.5 * k * k) / CF_SQRT2PI;
    double r = ph * pk > 0 && isfinite(d) ? d / (ph * pk) : 0;
    if (isfinite(r0) && fabs(r0) < 1)
        r = r0;
    if (!(r > -0.99))
        r = -0.99;
    if (r > 0.99)
        r = 0.99;
    int converged = 0;
    for (int it = 0; it < 200 && !converged; it++) {
        double f = bvnu(-h, -k, r) - p;
        if (f == 0) {
            converged = 1;
            break;
        }
        if (f < 0)
            lo = r;
        else
            hi = r;
        double om = (1 - r) * (1 + r);
        double dens = exp(-0.5 * (h * h - 2 * r * h * k + k * k) / om) / (2 * M_PI * cf_sqrt(om));
        double next = r - f / dens;
        if (!(next > lo && next < hi))
            next = 0.5 * (lo + hi); /* Newton left the bracket */
        double step = fabs(next - r);
        r = next;
        if (step <= 1e-15 * fmax(1, fabs(r)) || hi - lo <= 4e-16)
            converged = 1;
    }
    /* Newton can cycle at the rounding level of Φ₂ without meeting the step test: accept a root
     * whose residual is rounding, or whose bracket has closed to 1e-12. */
    if (!converged && (fabs(bvnu(-h, -k, r) - p) <= 4e-16 || hi - lo <= 1e-12))
        converged = 1;
    *r_out = r;
    return converged ? CF_OK : CF_EMAXITER;
}

/*
 * Solve Φ₂(h, k; r) = p for r with |r| < 0.925 by Halley's method in θ = asin r on Genz's
 * arcsine form
 *   Φ₂ = Φ(h)Φ(k) + (1/2π) ∫_0^θ e(t) dt,  e(t) = exp(g(t)),  g(t) = (hk sin t − (h²+k²)/2) / cos² t.
 * f(θ) = I(θ) − (p − Φ(h)Φ(k)) has f' = e/2π and f'' = f'·g', so the cubic step costs nothing
 * beyond Newton's. I(θ) is carried from step to step and each step integrates only the
 * increment [θ, θ'] by Gauss–Legendre, so a step costs a fraction of a full Φ₂.
 * Many problems are solved together, lane by lane: each step's arithmetic runs as loops over
 * lanes that vectorise, with the increments grouped by quadrature rule; the rare steps that
 * leave the bracket or span more than one panel take a scalar path. A lane's result depends
 * on its own inputs only.
 */
static const double THETA_MAX = 1.1804604045687822; /* asin(0.925) */

/* (1/2π) ∫_a^b e(t) dt by the half-rule (x, w, ng) given sin a and cos a (|b − a| <= 1.2): the
 * nodes mid ± half·x_i are those of arc_sum with asr = half around the midpoint, whose sine and
 * cosine follow from the angle-addition formulas, so a panel calls no libm function. sin b and
 * cos b are returned for the next Halley step (and panel). `unrolled` (a constant) picks the
 * node loops of the batch path. */
CF_INLINE double arc_panel_body(double hk, double hs, double a, double b, const double *x, const double *w, int ng,
                                double *sb, double *cb, int unrolled) {
    double half = 0.5 * (b - a), hsd, hcd;
    cf_small_sincos(half, &hsd, &hcd);
    double s0 = *sb * hcd + *cb * hsd, c0 = *cb * hcd - *sb * hsd;
    arc_state s = {hk, hs, half, s0, c0};
    double sum = unrolled ? arc_sum_unrolled(s, x, w, ng) : arc_sum(s, x, w, ng);
    *sb = s0 * hcd + c0 * hsd;
    *cb = c0 * hcd - s0 * hsd;
    return sum * half / (2 * M_PI);
}

CF_SIMD_CLONES
static double arc_panel(double hk, double hs, double a, double b, const double *x, const double *w, int ng, double *sb,
                        double *cb) {
    return arc_panel_body(hk, hs, a, b, x, w, ng, sb, cb, 0);
}

/* A lane's next action besides a rule for its increment. */
enum { ARC_DONE = ARC_RULES, ARC_SCALAR };

/* The rule for one panel [a, e] (|e − a| <= 0.3) with cos a = ca, by position and length.
 * Genz's rule lengths: 6 points cover arcs up to 0.3 near θ = 0; further out the 1/cos² t
 * factor sharpens the integrand, so panels get 12 and, past |θ| = 0.8, 20 points. Halley's
 * steps from a warm start are short: with L = 1 + |hk| + hs the rate at which the exponent
 * varies, the n-point rule errs by about (n!)⁴/((2n+1)((2n)!)³)·(len·L)^{2n}·len·e, so when
 * len·L <= 1e-3 the 2-point rule errs by < 3e-16·len·e. The 1/cos² t factor steepens the exponent
 * further from θ = 0, so the 4-point rule takes arcs with len·L <= 0.05·cos² a, where it errs by
 * < 3e-20·len·e. (Round trip over 2e5 random (h, k, r) from starts 0.1 off: |ΔΦ₂| <= 2e-15,
 * KernelGoldenTests.) */
CF_INLINE int arc_rule(double hk, double hs, double a, double e, double ca) {
    double len = fabs(e - a), am = fabs(0.5 * (a + e)), rate = len * (1 + fabs(hk) + hs);
    if (rate <= 1e-3)
        return ARC_GL2;
    if (rate <= 0.05 * ca * ca)
        return ARC_GL4;
    return am < 0.3 ? ARC_GL6 : (am < 0.8 ? ARC_GL12 : ARC_GL20);
}

/* ∫ over [a, b] in panels of at most 0.3, given sin a, cos a in *sb, *cb (updated to b). */
static double arc_integral(double hk, double hs, double a, double b, double *sb, double *cb) {
    double total = 0;
    while (a != b) {
        double e = b > a ? fmin(b, a + 0.3) : fmax(b, a - 0.3);
        int q = arc_rule(hk, hs, a, e, *cb);
        total += arc_panel(hk, hs, a, e, ARC_X[q], ARC_W[q], ARC_NG[q], sb, cb);
        a = e;
    }
    return total;
}

/* The lanes of one batch, structure of arrays; lanes still iterating are kept at the front. */
typedef struct {
    size_t cap;
    double tol; /* in θ: 0 for the full precision */
    double *hk, *hs, *d; /* hk, (h² + k²)/2, p − Φ(h)Φ(k) */
    double *t, *it, *st, *ct; /* angle, I(t), sin t, cos t */
    double *lo, *hi, *next, *r; /* bracket, next angle, result */
    double *tmp; /* 7·cap: gathered panels */
    int *side, *halley, *code; /* bit 0/1: bracketed below/above; Halley step taken; next action */
    size_t *lane, *list; /* lane's index in the batch; lanes of one rule */
} arc_block;

static void arc_block_free(arc_block *b) {
    if (!b)
        return;
    free(b->hk);
    free(b->side);
    free(b->lane);
    free(b);
}

static arc_block *arc_block_alloc(size_t cap) {
    arc_block *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->cap = cap;
    double *f = b->hk = malloc(18 * cap * sizeof *f);
    int *g = b->side = malloc(3 * cap * sizeof *g);
    size_t *z = b->lane = malloc(2 * cap * sizeof *z);
    if (!f || !g || !z) {
        arc_block_free(b);
        return NULL;
    }
    double **fs[] = {&b->hs, &b->d, &b->t, &b->it, &b->st, &b->ct, &b->lo, &b->hi, &b->next, &b->r, &b->tmp};
    for (size_t i = 0; i < sizeof fs / sizeof *fs; i++)
        *fs[i] = f + (i + 1) * cap;
    b->halley = g + cap;
    b->code = g + 2 * cap;
    b->list = z + cap;
    return b;
}

/* The increments [t, next] of the listed lanes by one rule: I(t) grows by the panel, t moves to
 * next. The node loops are unrolled, so the loop over lanes vectorises. */
CF_SIMD_CLONES_WIDE
static void arc_panels(arc_block *b, const size_t *list, size_t cnt, int rule) {
    size_t cap = b->cap;
    double *hk = b->tmp, *hs = hk + cap, *a = hs + cap, *e = a + cap, *sa = e + cap, *ca = sa + cap;
    double *out = ca + cap;
    for (size_t j = 0; j < cnt; j++) {
        size_t i = list[j];
        hk[j] = b->hk[i];
        hs[j] = b->hs[i];
        a[j] = b->t[i];
        e[j] = b->next[i];
        sa[j] = b->st[i];
        ca[j] = b->ct[i];
    }
#define ARC_PANEL_LOOP(Q)                                                                                              \
    _Pragma("clang loop vectorize(assume_safety)") for (size_t j = 0; j < cnt; j++) out[j] =                           \
        arc_panel_body(hk[j], hs[j], a[j], e[j], ARC_X[Q], ARC_W[Q], ARC_NG[Q], &sa[j], &ca[j], 1)
    if (rule == ARC_GL2)
        ARC_PANEL_LOOP(ARC_GL2);
    else if (rule == ARC_GL4)
        ARC_PANEL_LOOP(ARC_GL4);
    else if (rule == ARC_GL6)
        ARC_PANEL_LOOP(ARC_GL6);
    else if (rule == ARC_GL12)
        ARC_PANEL_LOOP(ARC_GL12);
    else
        ARC_PANEL_LOOP(ARC_GL20);
#undef ARC_PANEL_LOOP
    for (size_t j = 0; j < cnt; j++) {
        size_t i = list[j];
        b->it[i] += out[j];
        b->t[i] = e[j];
        b->st[i] = sa[j];
        b->ct[i] = ca[j];
    }
}

/* Every lane of the first n whose code is a rule integrates its increment. */
static void arc_increments(arc_block *b, size_t n) {
    size_t start[ARC_RULES + 1] = {0}, fill[ARC_RULES];
    for (size_t j = 0; j < n; j++)
        if (b->code[j] >= 0 && b->code[j] < ARC_RULES)
            start[b->code[j] + 1]++;
    for (int q = 0; q < ARC_RULES; q++) {
        start[q + 1] += start[q];
        fill[q] = start[q];
    }
    for (size_t j = 0; j < n; j++)
        if (b->code[j] >= 0 && b->code[j] < ARC_RULES)
            b->list[fill[b->code[j]]++] = j;
    for (int q = 0; q < ARC_RULES; q++)
        if (start[q + 1] > start[q])
            arc_panels(b, b->list + start[q], start[q + 1] - start[q], q);
}

/* Whether the root is at hand after a step of length len (Halley's when `halley`) inside a
 * bracket of width `width`: after a Halley step of 1e-7 the error is O(1e-21), done without
 * integrating it. With a tolerance, done once Halley's error, `cubic` = C·len³, four times over,
 * is below it: C = g''/6 − g'²/12 from f''/f' = g' and f'''/f' = g'' + g'², and steps up to 1e-2
 * keep the higher terms small. */
CF_INLINE int arc_converged(int halley, double len, double width, double cubic, double tol) {
    return (halley && (len <= 1e-7 || (len <= 1e-2 && 4 * cubic <= tol))) || len <= 1e-15 || width <= 1e-15;
}

/* One Halley step of a lane, without branches: it updates the bracket and returns the next
 * action — ARC_DONE with the root in *r, a rule for the increment to *next, or ARC_SCALAR when
 * the step leaves the bracket or spans more than one panel. */
CF_INLINE int arc_halley(double hk, double hs, double d, double tol, double t, double it, double st, double ct,
                         double *lo, double *hi, int *side, double *next, int *halley, double *r) {
    double f = it - d;
    int below = f < 0;
    double l = below ? t : *lo, u = below ? *hi : t;
    double c2 = ct * ct, num = st * hk - hs, g = num / c2;
    double e = cf_exp(g) / (2 * M_PI), dg = (hk * c2 + 2 * st * num) / (c2 * ct);
    double dn = e > 0 ? -f / e : NAN;
    /* Halley where its correction to Newton is mild */
    double hal = 1 + 0.5 * dn * dg;
    int hy = hal > 0.5 && hal < 2;
    double nx = t + (hy ? dn / hal : dn), step = nx - t, len = fabs(step), sd, cd;
    cf_small_sincos(step, &sd, &cd);
    double d2g = (3 * hk * st + 2 * num) / c2 + 6 * st * st * num / (c2 * c2);
    int done = arc_converged(hy, len, u - l, fabs(d2g / 6 - dg * dg / 12) * len * len * len, tol);
    int code =
        !(nx > l && nx < u) ? ARC_SCALAR : (done ? ARC_DONE : (len > 0.3 ? ARC_SCALAR : arc_rule(hk, hs, t, nx, ct)));
    /* Φ₂ matches p to 1e-16: further steps would only chase rounding noise */
    int matched = fabs(f) <= 1e-16;
    *lo = matched ? *lo : l;
    *hi = matched ? *hi : u;
    *side |= matched ? 0 : (below ? 1 : 2);
    *next = nx;
    *halley = hy;
    *r = matched ? st : st * cd + ct * sd;
    return matched ? ARC_DONE : code;
}

CF_SIMD_CLONES_WIDE
static void arc_halleys(arc_block *b, size_t n) {
#pragma clang loop vectorize(assume_safety)
    for (size_t j = 0; j < n; j++)
        b->code[j] = arc_halley(b->hk[j], b->hs[j], b->d[j], b->tol, b->t[j], b->it[j], b->st[j], b->ct[j], &b->lo[j],
                                &b->hi[j], &b->side[j], &b->next[j], &b->halley[j], &b->r[j]);
}

/* A step the vector path left: bisect when it left the bracket (first confirming that the root
 * lies inside |r| < 0.925), then integrate the increment in as many panels as it needs. Returns
 * CF_EDOM when there is no root inside, ARC_DONE with the root in b->r, or a negative value to
 * continue. */
static int arc_scalar_step(arc_block *b, size_t j) {
    double hk = b->hk[j], hs = b->hs[j], f = b->it[j] - b->d[j], t = b->t[j], next = b->next[j];
    int halley = b->halley[j];
    if (!(next > b->lo[j] && next < b->hi[j])) {
        if (b->side[j] != 3) {
            double se = b->st[j], ce = b->ct[j], edge = f < 0 ? THETA_MAX : -THETA_MAX;
            double ie = b->it[j] + arc_integral(hk, hs, t, edge, &se, &ce);
            if ((f < 0 && ie < b->d[j]) || (f > 0 && ie > b->d[j]))
                return CF_EDOM;
            b->side[j] |= f < 0 ? 2 : 1;
        }
        next = 0.5 * (b->lo[j] + b->hi[j]);
        halley = 0;
    }
    double step = next - t;
    /* no estimate of Halley's error here: the tolerance plays no part */
    if (arc_converged(halley, fabs(step), b->hi[j] - b->lo[j], INFINITY, 0)) {
        double sd, cd;
        cf_small_sincos(step, &sd, &cd);
        b->r[j] = b->st[j] * cd + b->ct[j] * sd;
        return ARC_DONE;
    }
    b->it[j] += arc_integral(hk, hs, t, next, &b->st[j], &b->ct[j]);
    b->t[j] = next;
    return -1;
}

/* Moves lane `from` to position `to` (to < from). */
static void arc_move(arc_block *b, size_t to, size_t from) {
    double *const f[] = {b->hk, b->hs, b->d, b->t, b->it, b->st, b->ct, b->lo, b->hi, b->next};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        f[i][to] = f[i][from];
    b->side[to] = b->side[from];
    b->lane[to] = b->lane[from];
}

/* Solves the first n lanes (hk, hs, d, lane set; t holds the start angle, 0 for none), writing
 * each lane's root and status to r_out and status_out at its index. */
static void arc_solve(arc_block *b, size_t n, double *r_out, int *status_out) {
    for (size_t j = 0; j < n; j++) {
        double t0 = b->t[j];
        b->t[j] = 0;
        b->it[j] = 0;
        b->st[j] = 0;
        b->ct[j] = 1;
        b->lo[j] = -THETA_MAX;
        b->hi[j] = THETA_MAX;
        b->side[j] = 0;
        b->next[j] = t0;
        /* I(θ0) in one panel, with the rule Φ₂ uses for the same arc */
        b->code[j] = t0 == 0 ? ARC_DONE : ARC_GL6 + genz_rule_arc(fabs(t0));
    }
    arc_increments(b, n);
    for (int iter = 0; iter < 100 && n > 0; iter++) {
        arc_halleys(b, n);
        size_t live = 0;
        for (size_t j = 0; j < n; j++) {
            int c = b->code[j];
            if (c == ARC_SCALAR)
                c = arc_scalar_step(b, j);
            if (c == ARC_DONE || c == CF_EDOM) {
                r_out[b->lane[j]] = c == ARC_DONE ? b->r[j] : NAN;
                status_out[b->lane[j]] = c == ARC_DONE ? CF_OK : CF_EDOM;
                continue;
            }
            if (live != j) {
                arc_move(b, live, j);
                b->code[live] = c;
            }
            live++;
        }
        n = live;
        arc_increments(b, n);
    }
    for (size_t j = 0; j < n; j++) {
        r_out[b->lane[j]] = b->st[j];
        status_out[b->lane[j]] = CF_EMAXITER;
    }
}

enum { SOLVE_BLOCK = 256 };

int cf_bvn_solve_r_batch(const double *h, const double *k, const double *p, const double *d, const double *theta0,
                         size_t n, double tol, double *r, int *status) {
    if (!h || !k || !p || !d || !theta0 || !r || !status || !(tol >= 0))
        return CF_EINVAL;
    if (n == 0)
        return CF_OK;
    size_t cap = n < SOLVE_BLOCK ? n : SOLVE_BLOCK;
    arc_block *b = arc_block_alloc(cap);
    if (!b)
        return CF_ENOMEM;
    b->tol = tol;
    for (size_t b0 = 0; b0 < n; b0 += cap) {
        size_t end = n - b0 < cap ? n : b0 + cap, cnt = 0;
        for (size_t i = b0; i < end; i++) {
            r[i] = NAN;
            status[i] = CF_EDOM;
            if (isnan(p[i]) || !isfinite(h[i]) || !isfinite(k[i]))
                continue;
            b->hk[cnt] = h[i] * k[i];
            b->hs[cnt] = 0.5 * (h[i] * h[i] + k[i] * k[i]);
            b->d[cnt] = d[i];
            b->t[cnt] = isfinite(theta0[i]) && fabs(theta0[i]) < THETA_MAX ? theta0[i] : 0;
            b->lane[cnt++] = i;
        }
        arc_solve(b, cnt, r, status);
        /* roots beyond |r| < 0.925, infinite limits */
        for (size_t i = b0; i < end; i++)
            if (status[i] != CF_OK && !isnan(h[i]) && !isnan(k[i]) && !isnan(p[i]))
                status[i] = solve_newton(h[i], k[i], p[i], d[i], theta0[i], &r[i]);
    }
    arc_block_free(b);
    return CF_OK;
}
