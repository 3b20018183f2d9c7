/*
 * Single-factor Gaussian copula all-wrong probability β_SF(ρ) and implied ρ* (METHODS §3).
 * The integrand φ(f)∏Φ(a_i − b f) is log-concave in f (log Φ and log φ are concave), so it has
 * one mode; we find it by safeguarded Newton (started, for many models, from the mode of a pooled
 * integrand) and integrate exp(g(f) − g_max) around it: by the trapezoid rule on a halving grid
 * scaled by the curvature at the mode (exponentially convergent for these smooth, Gaussian-tailed
 * integrands: ~30–90 evaluations), or, when the factors are near-steps (ρ → 1) or the grid has
 * not converged, by adaptive Gauss–Kronrod (QUADPACK QAG, 21 points) on the region within 60
 * nats of the peak with breakpoints at the kinks. Mode-centring keeps the relative accuracy when
 * β_SF is astronomically small (plain Gauss–Hermite has relative error 0.2 at ρ = 0.99999).
 */
#include "cf_factor.h"
#include "cf_bvn.h"
#include "internal.h"
#include <stdlib.h>
#include <gsl/gsl_integration.h>

typedef struct {
    const double *a; /* τ_i/√(1−λ_i²) for models with 0 < p < 1 */
    const double *b; /* λ_i/√(1−λ_i²) */
    const int *w; /* how many models share (a_i, b_i); NULL: one each */
    const int *rep; /* the nrep entries with w_i > 1 */
    size_t nrep;
    double *ws; /* 2m scratch: Φ(x_i) and φ(x_i)/Φ(x_i) at the current point */
    size_t m;
    double gmax; /* log-integrand at the mode */
    /* Equal loadings λ = √ρ only: ∂x_i/∂ρ = (a_i − f·dc)·dscale, for d log β_SF / dρ. */
    int want_drho;
    double dc, dscale;
} sf_ctx;

static const double SQRT_2_PI = 0.79788456080286535588; /* √(2/π) */

/* Below this a factor Φ(x_i) is subnormal or zero (x_i below about −37.5), so its logarithm
 * comes from cf_norm_logcdf_mills rather than from the product. */
static const double SF_TINY = 1e-300;

/* Φ(x_i) into cdf and, when `want_lam`, the Mills ratio φ/Φ(x_i) into lam, for x_i = a_i − b_i f,
 * from the inlined erfcx table in loops the compiler vectorises (the table is read-only: no
 * dependence between iterations), with one exp per model (cf_phi_tail_abs: each factor's
 * relative error x²·2⁻⁵³ stays far below any tolerance of the integral). The Mills ratio costs a
 * division per model, so it is skipped when no derivative is wanted. Inlined into each caller's
 * SIMD clone. */
CF_INLINE void sf_phi_table(const sf_ctx *c, double f, int want_lam) {
    size_t m = c->m;
    const double *restrict a = c->a, *restrict b = c->b;
    double *restrict cdf = c->ws, *restrict lam = c->ws + m;
    if (want_lam) {
#pragma clang loop vectorize(assume_safety)
        for (size_t i = 0; i < m; i++) {
            double x = a[i] - b[i] * f, r, e, q = cf_phi_tail_abs(fabs(x), &r, &e);
            cdf[i] = x < 0 ? q : 1.0 - q;
            lam[i] = x < 0 ? SQRT_2_PI / r : e / CF_SQRT2PI / (1.0 - q);
        }
    } else {
#pragma clang loop vectorize(assume_safety)
        for (size_t i = 0; i < m; i++) {
            double x = a[i] - b[i] * f, r, e, q = cf_phi_tail_abs(fabs(x), &r, &e);
            cdf[i] = x < 0 ? q : 1.0 - q;
        }
    }
}

/* One factor into four running products: the factors below SF_TINY are left out (marked in
 * *small), and each product is renormalised to [1, 2) with its binary exponent counted in e.
 * A product in [1, 2) times a factor in [SF_TINY, 1] is a normal number: nothing underflows. */
CF_INLINE void sf_prod_step(const cf_v4d *xp, cf_v4d *p, cf_v4i *e, cf_v4i *small) {
    cf_v4d x = *xp;
    const cf_v4i MANT = 0x000fffffffffffffLL, ONE = 0x3ff0000000000000LL;
    cf_v4i lo = x < SF_TINY;
    *small |= lo;
    cf_v4i bits = (cf_v4i)(*p * (cf_v4d)(((cf_v4i)x & ~lo) | (ONE & lo)));
    *e += (bits >> 52) - 1023; /* the product is positive and normal: these are its exponent bits */
    *p = (cf_v4d)((bits & MANT) | ONE);
}

/* log ∏ cdf_i^{w_i} over the factors >= SF_TINY, four lanes wide; *tiny says whether any factor
 * was left out (the caller adds those in logs). */
CF_INLINE double sf_log_product(const sf_ctx *c, int *tiny) {
    size_t m = c->m, i = 0;
    const double *restrict cdf = c->ws;
    cf_v4d p = {1, 1, 1, 1};
    cf_v4i e = {0, 0, 0, 0}, small = {0, 0, 0, 0};
    for (; i + 4 <= m; i += 4) {
        cf_v4d x = {cdf[i], cdf[i + 1], cdf[i + 2], cdf[i + 3]};
        sf_prod_step(&x, &p, &e, &small);
    }
    if (i < m) {
        cf_v4d x = {1, 1, 1, 1};
        for (size_t j = 0; i + j < m; j++)
            x[j] = cdf[i + j];
        sf_prod_step(&x, &p, &e, &small);
    }
    for (size_t j = 0; j < c->nrep; j++) /* the further copies of shared factors */
        for (int r = 1; r < c->w[c->rep[j]]; r++) {
            cf_v4d x = {cdf[c->rep[j]], 1, 1, 1};
            sf_prod_step(&x, &p, &e, &small);
        }
    *tiny = (small[0] | small[1] | small[2] | small[3]) != 0;
    return log((p[0] * p[1]) * (p[2] * p[3])) + M_LN2 * (double)(e[0] + e[1] + e[2] + e[3]);
}

/* Σ w_i log Φ(x_i) over the factors the product left out (Φ(x_i) < SF_TINY), with their Mills
 * ratios into lam (the table's are not accurate that far out). */
static double sf_tiny_factors(const sf_ctx *c, double f) {
    double *cdf = c->ws, *lam = c->ws + c->m, s = 0;
    for (size_t i = 0; i < c->m; i++)
        if (cdf[i] < SF_TINY)
            s += (c->w ? c->w[i] : 1) * cf_norm_logcdf_mills(c->a[i] - c->b[i] * f, &lam[i]);
    return s;
}

/* Model i's terms, with weight k, of the sums in g' and g'': k·b_i·λ_i and k·b_i²·λ_i·(x_i + λ_i),
 * λ_i from the scratch. For the models outside the vector lanes and the further copies of
 * shared factors. */
CF_INLINE void sf_mills_terms(const sf_ctx *c, size_t i, double f, double k, double *r1, double *r2) {
    double b = c->b[i], lam = c->ws[c->m + i];
    *r1 += k * b * lam;
    *r2 += k * b * b * lam * (c->a[i] - b * f + lam);
}

/* g(f) = log φ(f) + Σ w_i log Φ(a_i − b_i f); optionally g' and g''. Φ and the Mills ratio
 * φ/Φ come from `sf_phi_table`, Σ log Φ from `sf_log_product`; the sums for g' and g'' run in
 * four lanes. */
CF_SIMD_CLONES
static double sf_log_integrand(const sf_ctx *c, double f, double *d1, double *d2) {
    size_t m = c->m;
    const double *restrict a = c->a, *restrict b = c->b;
    const double *restrict lam = c->ws + m;
    sf_phi_table(c, f, 1);
    int tiny;
    double g = -0.5 * f * f - CF_LOG_SQRT2PI + sf_log_product(c, &tiny);
    if (tiny)
        g += sf_tiny_factors(c, f);
    cf_v4d s1 = {0, 0, 0, 0}, s2 = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 4 <= m; i += 4) {
        cf_v4d av = {a[i], a[i + 1], a[i + 2], a[i + 3]}, bv = {b[i], b[i + 1], b[i + 2], b[i + 3]};
        cf_v4d lv = {lam[i], lam[i + 1], lam[i + 2], lam[i + 3]};
        cf_v4d t = bv * lv;
        s1 += t;
        s2 += t * bv * (av - bv * f + lv);
    }
    double r1 = (s1[0] + s1[1]) + (s1[2] + s1[3]), r2 = (s2[0] + s2[1]) + (s2[2] + s2[3]);
    for (; i < m; i++)
        sf_mills_terms(c, i, f, 1, &r1, &r2);
    for (size_t j = 0; j < c->nrep; j++) /* the further copies of shared factors */
        sf_mills_terms(c, (size_t)c->rep[j], f, c->w[c->rep[j]] - 1, &r1, &r2);
    if (d1)
        *d1 = -f - r1;
    if (d2)
        *d2 = -1 - r2;
    return g;
}

/* exp(g(f) − g_max), from `sf_log_product` (one log and one exp per point, none per model); with
 * want_drho also Σ w_i φ(x_i)/Φ(x_i)·∂x_i/∂ρ into *drho. */
CF_SIMD_CLONES
static double sf_value(const sf_ctx *c, double f, double *drho) {
    size_t m = c->m;
    const double *restrict a = c->a, *restrict lam = c->ws + m;
    sf_phi_table(c, f, c->want_drho);
    int tiny;
    double lg = -0.5 * f * f - CF_LOG_SQRT2PI - c->gmax + sf_log_product(c, &tiny);
    if (tiny)
        lg += sf_tiny_factors(c, f);
    if (c->want_drho) {
        cf_v4d s = {0, 0, 0, 0};
        size_t i = 0;
        for (; i + 4 <= m; i += 4) {
            cf_v4d av = {a[i], a[i + 1], a[i + 2], a[i + 3]}, lv = {lam[i], lam[i + 1], lam[i + 2], lam[i + 3]};
            s += lv * (av - f * c->dc);
        }
        double ds = (s[0] + s[1]) + (s[2] + s[3]);
        for (; i < m; i++)
            ds += lam[i] * (a[i] - f * c->dc);
        for (size_t j = 0; j < c->nrep; j++) { /* the further copies of shared factors */
            i = (size_t)c->rep[j];
            ds += (c->w[i] - 1) * lam[i] * (a[i] - f * c->dc);
        }
        *drho = ds * c->dscale;
    } else if (drho) {
        *drho = 0;
    }
    return exp(lg);
}

static double sf_scaled(double f, void *p) {
    return sf_value(p, f, NULL);
}

/* The mode of g by Newton from `start`, safeguarded by the bracket the signs of g' build up (g'
 * is strictly decreasing and g'' <= −1, so a step is never longer than |g'|); with a bracket on
 * both sides a step that leaves it bisects, with one side only it doubles away from it. It stops
 * when the Newton step is below 1e-6 of the peak's width 1/√(−g''): the mode only centres the
 * grid and scales the integrand (its peak is then 1 to within 1e-12), so it needs no more. The
 * last evaluation's g and g'' are returned with the mode. */
typedef double (*sf_eval_fn)(const sf_ctx *c, double f, double *d1, double *d2);

static int sf_mode(const sf_ctx *c, sf_eval_fn eval, double start, double *mode, double *curv, double *gmax) {
    double lo = -INFINITY, hi = INFINITY, f = start, d1, d2, g = NAN;
    for (int it = 0; it < 400; it++) {
        g = eval(c, f, &d1, &d2);
        if (d1 == 0 || !(d2 < 0))
            break;
        if (fabs(d1 / d2) <= 1e-6 / cf_sqrt(-d2))
            break;
        if (d1 > 0)
            lo = f;
        else
            hi = f;
        double next = f - d1 / d2;
        if (!(next > lo && next < hi)) {
            if (isfinite(lo) && isfinite(hi))
                next = 0.5 * (lo + hi);
            else
                next = isfinite(lo) ? lo + fmax(1, fabs(lo)) : hi - fmax(1, fabs(hi));
        }
        if (next == f || hi - lo <= 1e-13 * fmax(1, fabs(next)))
            break;
        f = next;
    }
    *mode = f;
    *curv = d2;
    *gmax = g;
    return isfinite(f) && isfinite(d2) && d2 < 0 && isfinite(g) ? CF_OK : CF_EDOM;
}

enum { SF_GROUPS = 32 };

/* g, g' and g'' of a few entries with large weights w_i, in logs (no running product). */
static double sf_log_integrand_weighted(const sf_ctx *c, double f, double *d1, double *d2) {
    double g = -0.5 * f * f - CF_LOG_SQRT2PI, s1 = 0, s2 = 0;
    for (size_t i = 0; i < c->m; i++) {
        g += c->w[i] * cf_norm_logcdf_mills(c->a[i] - c->b[i] * f, &c->ws[c->m + i]);
        sf_mills_terms(c, i, f, c->w[i], &s1, &s2);
    }
    *d1 = -f - s1;
    *d2 = -1 - s2;
    return g;
}

/* A start for the mode search of many models with ascending a_i and equal b: the mode of the
 * integrand with the models pooled into runs of about four or more consecutive ones (at most
 * SF_GROUPS runs), each at its weighted mean threshold: a log-concave integrand of the same
 * shape, so its mode is close and the full search needs a step or two from it. 0 for fewer
 * than 16 models. */
static double sf_pooled_start(const sf_ctx *c) {
    size_t m = c->m, groups = m / 4 < SF_GROUPS ? m / 4 : SF_GROUPS;
    if (groups < 4)
        return 0;
    double ga[SF_GROUPS], gb[SF_GROUPS], scratch[2 * SF_GROUPS];
    int gw[SF_GROUPS];
    for (size_t g = 0; g < groups; g++) {
        size_t i0 = g * m / groups, i1 = (g + 1) * m / groups;
        double sa = 0;
        int n = 0;
        for (size_t i = i0; i < i1; i++) {
            int k = c->w ? c->w[i] : 1;
            sa += k * c->a[i];
            n += k;
        }
        ga[g] = sa / n;
        gb[g] = c->b[i0];
        gw[g] = n;
    }
    sf_ctx pooled = {ga, gb, gw, NULL, 0, scratch, groups, 0, 0, 0, 0};
    double f, curv, gmax;
    return sf_mode(&pooled, sf_log_integrand_weighted, 0, &f, &curv, &gmax) == CF_OK ? f : 0;
}

/*
 * Trapezoid rule on the grid mode + jh, h = 0.8σ, 0.4σ, 0.2σ, 0.1σ. For an integrand analytic
 * in a strip around the real line and decaying like a Gaussian the error falls like exp(−c/h):
 * halving h squares it, so the change d between two levels bounds the coarser level's error
 * and the finer one's is of order d². Over 300 random cases (m = 2…300, error rates
 * 1e-4…0.95, ρ up to the kink limit, SciPy quad at 2e-14 as reference;
 * scripts/checks/trapezoid_error.py) the finer level's error stayed below 75·d², so accepting
 * it when d <= max(rel_tol, 0.05·√rel_tol) keeps the error under 0.2·rel_tol. The first
 * spacing is 0.8σ rather than σ: the product of many Φ factors narrows the strip, and at σ the
 * change to σ/2 often misses the gate of a replicate's tolerance by a small factor, costing a
 * third level.
 * The grid extends on each side until the scaled integrand is below F = max(e⁻⁴⁰, 0.1·rel_tol):
 * it is log-concave with peak 1, so beyond the point x_F where it falls to F it is at most
 * F·exp(−s·t) with s >= log(1/F)/|x_F − mode|, while the chord bound puts at least
 * |x_F − mode|·(1 − F)/log(1/F) of the integral on that side: each side's tail is below F of the
 * integral, and with the grid's 0.2·rel_tol the total stays below 0.4·rel_tol.
 * Integrands with near-kinks are left to the adaptive path (the caller checks the kink width),
 * as is any case that has not converged at h = 0.1σ.
 */
static int sf_trapezoid(const sf_ctx *c, double mode, double sigma, double rel_tol, double *out, double *err,
                        double *dlog) {
    const double FLOOR = fmax(4.248354255291589e-18, 0.1 * rel_tol); /* 4.25e-18 = e⁻⁴⁰ */
    double h = 0.8 * sigma, dv, sum = sf_value(c, mode, &dv), dsum = sum * dv;
    long jlo = 0, jhi = 0;
    for (int side = -1; side <= 1; side += 2) {
        for (long j = 1;; j++) {
            if (j > 200)
                return CF_EMAXITER;
            double v = sf_value(c, mode + side * j * h, &dv);
            sum += v;
            dsum += v * dv;
            if (side < 0)
                jlo = -j;
            else
                jhi = j;
            if (!(v > FLOOR))
                break;
        }
    }
    double t = h * sum, gate = fmax(rel_tol, 0.05 * cf_sqrt(rel_tol));
    for (int level = 1; level <= 3; level++) {
        h *= 0.5;
        double add = 0;
        for (long j = jlo; j < jhi; j++) {
            double v = sf_value(c, mode + (2 * j + 1) * h, &dv);
            add += v;
            dsum += v * dv;
        }
        sum += add;
        double tn = 0.5 * t + h * add, d = fabs(tn - t) / tn;
        t = tn;
        jlo *= 2;
        jhi *= 2;
        if (d <= gate) {
            *out = t;
            *err = d;
            if (dlog)
                *dlog = dsum / sum;
            return CF_OK;
        }
    }
    return CF_EMAXITER;
}

enum { SF_LIMIT = 2000 };

/* Reusable buffers of the β_SF integral and the ρ* search, sized for `cap` models; the QAG
 * workspace is made on first need (only the adaptive path uses it). */
struct cf_factor_workspace {
    size_t cap;
    double *tau; /* cap thresholds */
    double *a; /* 4·cap: a, b and the integrand's scratch */
    int *w; /* cap multiplicities */
    int *rep; /* cap indices of the shared ones */
    double *pts; /* cap + 3 + 128 breakpoints */
    gsl_integration_workspace *qag;
    size_t qag_limit;
};

cf_factor_workspace *cf_factor_workspace_alloc(size_t m) {
    if (m == 0)
        return NULL;
    cf_factor_workspace *ws = calloc(1, sizeof *ws);
    if (!ws)
        return NULL;
    ws->cap = m;
    ws->tau = malloc(m * sizeof *ws->tau);
    ws->a = malloc(4 * m * sizeof *ws->a);
    ws->w = malloc(m * sizeof *ws->w);
    ws->rep = malloc(m * sizeof *ws->rep);
    ws->pts = malloc((m + 3 + 2 * 64) * sizeof *ws->pts);
    if (!ws->tau || !ws->a || !ws->w || !ws->rep || !ws->pts) {
        cf_factor_workspace_free(ws);
        return NULL;
    }
    return ws;
}

void cf_factor_workspace_free(cf_factor_workspace *ws) {
    if (!ws)
        return;
    free(ws->tau);
    free(ws->a);
    free(ws->w);
    free(ws->rep);
    free(ws->pts);
    if (ws->qag)
        gsl_integration_workspace_free(ws->qag);
    free(ws);
}

/* The QAG workspace with at least `limit` intervals. */
static gsl_integration_workspace *qag_workspace(cf_factor_workspace *ws, size_t limit) {
    if (ws->qag && ws->qag_limit >= limit)
        return ws->qag;
    if (ws->qag)
        gsl_integration_workspace_free(ws->qag);
    ws->qag = gsl_integration_workspace_alloc(limit);
    ws->qag_limit = ws->qag ? limit : 0;
    return ws->qag;
}

static const double SF_DROP = 60.0; /* nats below the peak where the integrand is negligible */

/* log ∫ φ(f) ∏ Φ(a_i − b_i f)^{w_i} df for non-degenerate models (b_i > 0 finite; w NULL: every
 * w_i = 1, else rep lists the nrep entries with w_i > 1); scratch holds 2m doubles. The mode
 * search starts at *mode when that is finite (the mode at a nearby ρ), else — when `ascending`:
 * the a_i ascend and the b_i are equal (loadings from ρ) — at the mode of a pooled integrand,
 * else at 0; *mode (may be NULL) returns the mode. With drho (equal loadings), also
 * d log β_SF / dρ when the trapezoid path served, else NaN. */
static int sf_integrate(cf_factor_workspace *fw, const double *a, const double *b, const int *w, const int *rep,
                        size_t nrep, double *scratch, size_t m, int ascending, double rel_tol, double rho,
                        double *log_beta, double *err, double *drho, double *mode_io) {
    sf_ctx c = {a, b, w, rep, nrep, scratch, m, 0, 0, 0, 0};
    if (drho) {
        *drho = NAN;
        c.want_drho = 1;
        c.dc = 1 / (cf_sqrt(rho) * cf_sqrt(1 - rho));
        c.dscale = 0.5 / (1 - rho);
    }
    double mode, curv;
    double start = mode_io && isfinite(*mode_io) ? *mode_io : (ascending ? sf_pooled_start(&c) : 0);
    int st = sf_mode(&c, sf_log_integrand, start, &mode, &curv, &c.gmax);
    if (st != CF_OK)
        return st;
    if (mode_io)
        *mode_io = mode;
    double sigma = 1.0 / cf_sqrt(-curv);
    double width = INFINITY; /* narrowest kink */
    for (size_t i = 0; i < m; i++)
        width = fmin(width, 1.0 / b[i]);
    if (width >= 0.1) {
        double total, e;
        if (sf_trapezoid(&c, mode, sigma, rel_tol, &total, &e, drho) == CF_OK && total > 0) {
            *log_beta = c.gmax + log(total);
            if (err)
                *err = e;
            return CF_OK;
        }
    }
    double lo = mode, hi = mode;
    for (double step = sigma;; step *= 2) {
        lo = mode - step;
        if (sf_log_integrand(&c, lo, NULL, NULL) < c.gmax - SF_DROP || step > 1e6)
            break;
    }
    for (double step = sigma;; step *= 2) {
        hi = mode + step;
        if (sf_log_integrand(&c, hi, NULL, NULL) < c.gmax - SF_DROP || step > 1e6)
            break;
    }
    /* Breakpoints: the mode, and — when the factors are near-steps of width √(1−ρ)/√ρ — every
     * kink τ_i/√ρ in range. An adaptive rule can step over a narrow kink it never samples and
     * still report a tiny error (seen at ρ = 0.99999: 2e-6 relative error at tolerance 1e-10). */
    double *pts = fw->pts;
    size_t np = 0;
    pts[np++] = lo;
    pts[np++] = mode;
    /* Panels grow geometrically away from the mode, so features near the peak (scale σ) are
     * never a sliver at the end of a long panel. */
    /* loose tolerances (bootstrap replicates, scan subsets) skip the rough pass below; coarser
     * panels or a 15-point rule were measured slower (QAG then bisects) */
    int loose = rel_tol >= 1e-9;
    for (double d = sigma; d < 1e6 && np < 2 * 64; d *= 2) {
        if (mode - d > lo)
            pts[np++] = mode - d;
        if (mode + d < hi)
            pts[np++] = mode + d;
        if (mode - d <= lo && mode + d >= hi)
            break;
    }
    for (size_t i = 0; i < m; i++) {
        double k = a[i] / b[i];
        if (1.0 / b[i] < 0.1 && k > lo && k < hi)
            pts[np++] = k;
    }
    pts[np++] = hi;
    cf_sort_ascending(pts, np);
    size_t u = 1; /* drop breakpoints closer than a tenth of the kink width */
    for (size_t i = 1; i < np; i++)
        if (pts[i] - pts[u - 1] > 0.1 * width * 1e-3 || i == np - 1)
            pts[u++] = pts[i];
    if (u >= 2 && pts[u - 1] - pts[u - 2] <= 0)
        u--;
    np = u;
    size_t limit = SF_LIMIT > 4 * np ? SF_LIMIT : 4 * np;
    gsl_integration_workspace *ws = qag_workspace(fw, limit);
    if (!ws)
        return CF_ENOMEM;
    c.want_drho = 0;
    gsl_function fn = {sf_scaled, &c};
    /* A rough pass (one 21-point rule per panel) sets the scale; then each panel is refined
     * by adaptive Gauss–Kronrod to an absolute share of rel_tol times that scale. */
    double rough = 0, total = 0, abserr = 0;
    if (loose) {
        /* The scaled integrand peaks at 1 with curvature 1/σ², so its integral is of order σ:
         * that sets the absolute target without a rough pass. */
        rough = sigma;
    } else {
        for (size_t i = 0; i + 1 < np; i++) {
            double v, e, ra, rasc;
            gsl_integration_qk21(&fn, pts[i], pts[i + 1], &v, &e, &ra, &rasc);
            rough += v;
        }
    }
    double target = rel_tol * rough / (double)(np - 1);
    for (size_t i = 0; i + 1 < np && st == CF_OK; i++) {
        double v, e;
        int g = gsl_integration_qag(&fn, pts[i], pts[i + 1], target, 0.0, limit, GSL_INTEG_GAUSS21, ws, &v, &e);
        if (g != 0 && !(e <= 1e3 * target))
            st = CF_EMAXITER;
        total += v;
        abserr += e;
    }
    double abserr_total = abserr;
    if (st != CF_OK)
        return st;
    if (!(total > 0))
        return CF_EDOM;
    *log_beta = c.gmax + log(total);
    if (err)
        *err = abserr_total / total;
    return CF_OK;
}

/* A pool prepared for β_SF at any ρ: the interior models' (0 < p < 1) thresholds sorted into
 * ws->tau with equal ones merged — models with equal error rates (common in resamples: counts
 * out of n) share one factor, raised to their number (ws->w; the shared ones listed in ws->rep) —
 * and what the degenerate cases need: whether some p = 0, log ∏p and log min p. */
typedef struct {
    size_t mi, u, nrep; /* interior models, distinct thresholds, shared ones */
    int has_zero;
    double log_prod, log_min;
} sf_pool;

static int sf_pool_of(cf_factor_workspace *ws, const double *p, size_t m, sf_pool *pool) {
    double *tau = ws->tau;
    int *w = ws->w, *rep = ws->rep;
    *pool = (sf_pool){0, 0, 0, 0, 0, 0};
    for (size_t i = 0; i < m; i++) {
        if (!(p[i] >= 0 && p[i] <= 1))
            return CF_EDOM;
        if (p[i] == 0) {
            pool->has_zero = 1;
            continue;
        }
        if (p[i] == 1)
            continue;
        double lp = log(p[i]);
        pool->log_prod += lp;
        if (pool->mi == 0 || lp < pool->log_min)
            pool->log_min = lp;
        tau[pool->mi++] = cf_norm_quantile(p[i]);
    }
    cf_sort_ascending(tau, pool->mi);
    size_t u = 0;
    for (size_t i = 0; i < pool->mi; i++) {
        if (u > 0 && tau[i] == tau[u - 1]) {
            w[u - 1]++;
            continue;
        }
        tau[u] = tau[i];
        w[u++] = 1;
    }
    pool->u = u;
    pool->nrep = 0;
    for (size_t i = 0; i < u; i++)
        if (w[i] > 1)
            rep[pool->nrep++] = (int)i;
    return CF_OK;
}

/* log β_SF(ρ) of a prepared pool, with d log β_SF / dρ in *drho when the integral supplied it
 * (else NaN); *mode as in sf_integrate (NaN in: no start). */
static int sf_pool_log_beta(cf_factor_workspace *ws, const sf_pool *pool, double rho, double rel_tol, double *log_beta,
                            double *err, double *drho, double *mode) {
    if (drho)
        *drho = NAN;
    if (err)
        *err = 0;
    if (pool->has_zero)
        *log_beta = -INFINITY;
    else if (pool->mi == 0)
        *log_beta = 0; /* every model always wrong */
    else if (rho == 0)
        *log_beta = pool->log_prod; /* independence */
    else if (rho == 1)
        *log_beta = pool->log_min; /* comonotone: the rarest error */
    else {
        size_t u = pool->u;
        double *a = ws->a; /* a, b, and the integrand's scratch */
        double *b = a + u, sa = 1 / cf_sqrt(1 - rho), sb = cf_sqrt(rho) / cf_sqrt(1 - rho);
        for (size_t i = 0; i < u; i++) {
            a[i] = ws->tau[i] * sa;
            b[i] = sb;
        }
        return sf_integrate(ws, a, b, ws->w, ws->rep, pool->nrep, b + u, u, 1, rel_tol, rho, log_beta, err, drho, mode);
    }
    return CF_OK;
}

int cf_factor_log_beta_ws(cf_factor_workspace *ws, const double *p, size_t m, double rho, double rel_tol,
                          double *log_beta, double *err) {
    if (!ws || !p || !log_beta || m == 0 || m > ws->cap)
        return CF_EINVAL;
    if (!(rho >= 0 && rho <= 1))
        return CF_EDOM;
    if (!(rel_tol > 0))
        rel_tol = 1e-10;
    sf_pool pool;
    int st = sf_pool_of(ws, p, m, &pool);
    return st == CF_OK ? sf_pool_log_beta(ws, &pool, rho, rel_tol, log_beta, err, NULL, NULL) : st;
}

int cf_factor_log_beta(const double *p, size_t m, double rho, double rel_tol, double *log_beta, double *err) {
    if (!p || !log_beta || m == 0)
        return CF_EINVAL;
    cf_factor_workspace *ws = cf_factor_workspace_alloc(m);
    if (!ws)
        return CF_ENOMEM;
    int st = cf_factor_log_beta_ws(ws, p, m, rho, rel_tol, log_beta, err);
    cf_factor_workspace_free(ws);
    return st;
}

int cf_factor_log_beta_loadings(const double *p, const double *lambda, size_t m, double rel_tol, double *log_beta,
                                double *err) {
    if (!p || !lambda || !log_beta || m == 0)
        return CF_EINVAL;
    if (!(rel_tol > 0))
        rel_tol = 1e-10;
    for (size_t i = 0; i < m; i++) {
        if (!(p[i] >= 0 && p[i] <= 1))
            return CF_EDOM;
        if (!(lambda[i] >= 0 && lambda[i] < 1))
            return CF_EDOM;
    }
    if (err)
        *err = 0;
    cf_factor_workspace *ws = cf_factor_workspace_alloc(m);
    if (!ws)
        return CF_ENOMEM;
    double *a = ws->a; /* a, b, and the integrand's scratch */
    double *b = a + m, log_prod = 0;
    size_t mi = 0;
    int st = CF_OK;
    for (size_t i = 0; i < m; i++) {
        if (p[i] == 0) {
            *log_beta = -INFINITY;
            cf_factor_workspace_free(ws);
            return CF_OK;
        }
        if (p[i] == 1)
            continue;
        double s = cf_sqrt((1 - lambda[i]) * (1 + lambda[i]));
        if (lambda[i] == 0) {
            log_prod += log(p[i]);
            continue;
        } /* independent factor */
        a[mi] = cf_norm_quantile(p[i]) / s;
        b[mi] = lambda[i] / s;
        mi++;
    }
    if (mi == 0)
        *log_beta = log_prod;
    else {
        st = sf_integrate(ws, a, b, NULL, NULL, 0, b + m, mi, 0, rel_tol, 0, log_beta, err, NULL, NULL);
        if (st == CF_OK)
            *log_beta += log_prod;
    }
    cf_factor_workspace_free(ws);
    return st;
}

typedef struct {
    cf_factor_workspace *ws;
    const sf_pool *pool;
    double log_beta, rel_tol;
    double mode; /* the last integrand's mode: the next one's start */
    int status;
} rho_ctx;

static double rho_gap_d(double rho, rho_ctx *c, double *d) {
    double lb;
    int st = sf_pool_log_beta(c->ws, c->pool, rho, c->rel_tol, &lb, NULL, d, &c->mode);
    if (st != CF_OK) {
        c->status = st;
        return NAN;
    }
    return lb - c->log_beta;
}

static double rho_gap(double rho, void *ctx) {
    return rho_gap_d(rho, ctx, NULL);
}

int cf_factor_implied_rho(const double *p, size_t m, double log_beta, double *rho, int *why) {
    return cf_factor_implied_rho_tol(p, m, log_beta, 1e-12, 1e-13, NAN, NAN, rho, why);
}

int cf_factor_implied_rho_ws(cf_factor_workspace *ws, const double *p, size_t m, double log_beta, double rel_tol,
                             double xtol, double hint, double hint_curv, double *rho, int *why) {
    if (!ws || !p || !rho || !why || m == 0 || m > ws->cap)
        return CF_EINVAL;
    if (isnan(log_beta) || log_beta > 0)
        return CF_EDOM;
    *rho = NAN;
    sf_pool pool;
    int st = sf_pool_of(ws, p, m, &pool);
    if (st != CF_OK)
        return st;
    double log_prod = pool.log_prod, log_min = pool.log_min;
    if (log_beta == -INFINITY) {
        *why = CF_RHO_BETA_ZERO;
        return CF_OK;
    }
    if (pool.has_zero || pool.mi == 0) {
        *why = CF_RHO_NO_MODELS;
        return CF_OK;
    }
    if (log_beta < log_prod) {
        *why = CF_RHO_BELOW_INDEPENDENCE;
        return CF_OK;
    }
    *why = CF_RHO_OK;
    if (log_beta >= log_min) {
        *rho = 1;
        return CF_OK;
    }
    if (log_beta == log_prod) {
        *rho = 0;
        return CF_OK;
    }
    rho_ctx c = {ws, &pool, log_beta, rel_tol, NAN, CF_OK};
    /* log β_SF rises with ρ from log ∏p (ρ = 0) to log min p (ρ = 1). Newton on the bracket
     * [lo, hi] with d log β_SF/dρ from the same trapezoid sums (started at the hint, e.g. a
     * prediction from the full sample in a bootstrap, else at 1/2), bisecting when a step leaves
     * it; Brent takes over where the adaptive path served and no derivative is at hand (ρ near 1).
     * The pool is prepared once, and each integral's mode search starts at the previous mode. */
    double lo = 0.0, hi = 1.0, flo = log_prod - log_beta, fhi = log_min - log_beta;
    int hinted = isfinite(hint) && hint > 0 && hint < 1;
    double x = hinted ? hint : 0.5, prev_step = NAN;
    for (int it = 0; it < 100; it++) {
        /* Inexact Newton: without a hint the first point (1/2) is usually far from the root,
         * where β_SF to 1e-4 places the step as well as full accuracy does; it only moves the
         * bracket when its sign is beyond doubt, and every later point (and any stop) uses
         * rel_tol. A hint is taken to be close: its point is evaluated at rel_tol. */
        int rough = it == 0 && rel_tol < 1e-4 && !hinted;
        c.rel_tol = rough ? 1e-4 : rel_tol;
        double d, f = rho_gap_d(x, &c, &d);
        if (c.status != CF_OK)
            return c.status;
        if (rough && fabs(f) <= 1e-3) {
            double nx = d > 0 && isfinite(d) ? x - f / d : x;
            if (nx > lo && nx < hi)
                x = nx;
            continue;
        }
        if (f == 0) {
            *rho = x;
            return CF_OK;
        }
        if (f < 0) {
            lo = x;
            flo = f;
        } else {
            hi = x;
            fhi = f;
        }
        if (!(d > 0 && isfinite(d)))
            break;
        double next = x - f / d, step = -f / d;
        /* From the hint, with the curvature c = g''/g' known, the quadratic model's root: Newton's
         * step less its error c·s²/2, leaving O(s³) where Newton leaves O(s²) (the hint is ~1e-3
         * off, so one step less at xtol 1e-9). */
        if (it == 0 && hinted && isfinite(hint_curv)) {
            step -= 0.5 * hint_curv * step * step;
            next = x + step;
        }
        if (!(next > lo && next < hi)) {
            next = 0.5 * (lo + hi);
            step = NAN;
        }
        if (!rough && fabs(next - x) <= xtol) {
            *rho = next;
            return CF_OK;
        }
        if (hi - lo <= xtol) {
            *rho = 0.5 * (lo + hi);
            return CF_OK;
        }
        /* Quadratic convergence: steps shrink as s_{k+1} ≈ C s_k², with C measured from the last
         * two steps; when the next step would be below xtol/10, the root is already at hand. */
        if (!rough && isfinite(step) && isfinite(prev_step) && prev_step != 0) {
            /* after a curvature-corrected step C is no longer |s1|/s0²: the known one bounds it */
            double cq = fabs(step) / (prev_step * prev_step) + (isfinite(hint_curv) ? 0.5 * fabs(hint_curv) : 0);
            if (cq * step * step <= 0.1 * xtol) {
                *rho = next;
                return CF_OK;
            }
        }
        prev_step = rough ? NAN : step;
        x = next;
    }
    c.rel_tol = rel_tol;
    st = cf_brent(rho_gap, &c, lo, hi, flo, fhi, xtol, 200, rho);
    return c.status != CF_OK ? c.status : st;
}

int cf_factor_implied_rho_tol(const double *p, size_t m, double log_beta, double rel_tol, double xtol, double hint,
                              double hint_curv, double *rho, int *why) {
    if (!p || !rho || !why || m == 0)
        return CF_EINVAL;
    cf_factor_workspace *ws = cf_factor_workspace_alloc(m);
    if (!ws)
        return CF_ENOMEM;
    int st = cf_factor_implied_rho_ws(ws, p, m, log_beta, rel_tol, xtol, hint, hint_curv, rho, why);
    cf_factor_workspace_free(ws);
    return st;
}
