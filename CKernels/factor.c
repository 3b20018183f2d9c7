/*
 * Single-factor Gaussian copula all-wrong probability β_SF(ρ) and implied ρ* (METHODS §3).
 * The integrand φ(f)∏Φ(a_i − b f) is log-concave in f (log Φ and log φ are concave), so it has
 * one mode; we find it by safeguarded Newton, bound the region where the log-integrand is
 * within 60 nats of its peak, and integrate exp(g(f) − g_max) there by adaptive
 * Gauss–Kronrod (QUADPACK QAG, 21 points). Mode-centring keeps the relative accuracy when
 * β_SF is astronomically small, and the adaptive rule resolves the near-step integrand of
 * ρ → 1 (plain Gauss–Hermite has relative error 0.2 at ρ = 0.99999).
 */
#include "cf_factor.h"
#include "cf_bvn.h"
#include "internal.h"
#include <stdlib.h>
#include <gsl/gsl_integration.h>

typedef struct {
    const double *a;   /* τ_i/√(1−λ_i²) for models with 0 < p < 1 */
    const double *b;   /* λ_i/√(1−λ_i²) */
    size_t m;
    double gmax;       /* log-integrand at the mode */
} sf_ctx;

/* g(f) = log φ(f) + Σ log Φ(a_i − b_i f); optionally g' and g''. */
static double sf_log_integrand(const sf_ctx *c, double f, double *d1, double *d2) {
    double g = -0.5 * f * f - CF_LOG_SQRT2PI, s1 = 0, s2 = 0;
    for (size_t i = 0; i < c->m; i++) {
        double x = c->a[i] - c->b[i] * f;
        g += cf_norm_logcdf(x);
        if (d1) {
            double lam = cf_norm_mills(x);
            s1 += c->b[i] * lam;
            s2 += c->b[i] * c->b[i] * lam * (x + lam);
        }
    }
    if (d1) *d1 = -f - s1;
    if (d2) *d2 = -1 - s2;
    return g;
}

static double sf_scaled(double f, void *p) {
    const sf_ctx *c = p;
    return exp(sf_log_integrand(c, f, NULL, NULL) - c->gmax);
}

static int sf_mode(const sf_ctx *c, double *mode, double *curv) {
    /* g' is strictly decreasing: bracket its root, then Newton with bisection fallback. */
    double lo = -1, hi = 1, d1, d2;
    for (int i = 0; i < 200; i++) { sf_log_integrand(c, lo, &d1, NULL); if (d1 > 0) break; lo *= 2; }
    for (int i = 0; i < 200; i++) { sf_log_integrand(c, hi, &d1, NULL); if (d1 < 0) break; hi *= 2; }
    double f = 0.5 * (lo + hi);
    for (int it = 0; it < 200; it++) {
        sf_log_integrand(c, f, &d1, &d2);
        if (d1 == 0) break;
        if (d1 > 0) lo = f; else hi = f;
        double next = f - d1 / d2;
        if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
        double step = fabs(next - f);
        f = next;
        if (step <= 1e-13 * fmax(1, fabs(f)) || hi - lo <= 1e-13 * fmax(1, fabs(f))) break;
    }
    sf_log_integrand(c, f, NULL, &d2);
    *mode = f;
    *curv = d2;
    return isfinite(f) && isfinite(d2) ? CF_OK : CF_EDOM;
}

enum { SF_LIMIT = 2000 };

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}
static const double SF_DROP = 60.0; /* nats below the peak where the integrand is negligible */

/* log ∫ φ(f) ∏ Φ(a_i − b_i f) df for non-degenerate models (b_i > 0 finite). */
static int sf_integrate(const double *a, const double *b, size_t m, double rel_tol, double *log_beta, double *err) {
    sf_ctx c = {a, b, m, 0};
    double mode, curv;
    int st = sf_mode(&c, &mode, &curv);
    if (st != CF_OK) return st;
    c.gmax = sf_log_integrand(&c, mode, NULL, NULL);
    double sigma = 1.0 / sqrt(-curv);
    double lo = mode, hi = mode;
    for (double step = sigma; ; step *= 2) {
        lo = mode - step;
        if (sf_log_integrand(&c, lo, NULL, NULL) < c.gmax - SF_DROP || step > 1e6) break;
    }
    for (double step = sigma; ; step *= 2) {
        hi = mode + step;
        if (sf_log_integrand(&c, hi, NULL, NULL) < c.gmax - SF_DROP || step > 1e6) break;
    }
    /* Breakpoints: the mode, and — when the factors are near-steps of width √(1−ρ)/√ρ — every
     * kink τ_i/√ρ in range. An adaptive rule can step over a narrow kink it never samples and
     * still report a tiny error (seen at ρ = 0.99999: 2e-6 relative error at tolerance 1e-10). */
    double width = INFINITY; /* narrowest kink */
    for (size_t i = 0; i < m; i++) width = fmin(width, 1.0 / b[i]);
    double *pts = malloc((m + 3 + 2 * 64) * sizeof *pts);
    if (!pts) return CF_ENOMEM;
    size_t np = 0;
    pts[np++] = lo;
    pts[np++] = mode;
    /* Panels grow geometrically away from the mode, so features near the peak (scale σ) are
     * never a sliver at the end of a long panel. */
    /* loose tolerances (bootstrap replicates, scan subsets) skip the rough pass below; coarser
     * panels or a 15-point rule were measured slower (QAG then bisects) */
    int loose = rel_tol >= 1e-9;
    for (double d = sigma; d < 1e6 && np < 2 * 64; d *= 2) {
        if (mode - d > lo) pts[np++] = mode - d;
        if (mode + d < hi) pts[np++] = mode + d;
        if (mode - d <= lo && mode + d >= hi) break;
    }
    for (size_t i = 0; i < m; i++) {
        double k = a[i] / b[i];
        if (1.0 / b[i] < 0.1 && k > lo && k < hi) pts[np++] = k;
    }
    pts[np++] = hi;
    qsort(pts, np, sizeof *pts, cmp_double);
    size_t u = 1; /* drop breakpoints closer than a tenth of the kink width */
    for (size_t i = 1; i < np; i++)
        if (pts[i] - pts[u - 1] > 0.1 * width * 1e-3 || i == np - 1) pts[u++] = pts[i];
    if (u >= 2 && pts[u - 1] - pts[u - 2] <= 0) u--;
    np = u;
    size_t limit = SF_LIMIT > 4 * np ? SF_LIMIT : 4 * np;
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(limit);
    if (!ws) { free(pts); return CF_ENOMEM; }
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
        if (g != 0 && !(e <= 1e3 * target)) st = CF_EMAXITER;
        total += v;
        abserr += e;
    }
    double abserr_total = abserr;
    free(pts);
    gsl_integration_workspace_free(ws);
    if (st != CF_OK) return st;
    if (!(total > 0)) return CF_EDOM;
    *log_beta = c.gmax + log(total);
    if (err) *err = abserr_total / total;
    return CF_OK;
}

/* Splits p into thresholds of interior models; reports p = 0 presence and the closed forms. */
static int sf_prepare(const double *p, size_t m, double *tau, size_t *mi, int *has_zero, double *log_prod, double *log_min) {
    *mi = 0; *has_zero = 0; *log_prod = 0; *log_min = 0;
    for (size_t i = 0; i < m; i++) {
        if (!(p[i] >= 0 && p[i] <= 1)) return CF_EDOM;
        if (p[i] == 0) { *has_zero = 1; continue; }
        if (p[i] == 1) continue;
        double lp = log(p[i]);
        *log_prod += lp;
        if (*mi == 0 || lp < *log_min) *log_min = lp;
        tau[(*mi)++] = cf_norm_quantile(p[i]);
    }
    return CF_OK;
}

int cf_factor_log_beta(const double *p, size_t m, double rho, double rel_tol, double *log_beta, double *err) {
    if (!p || !log_beta || m == 0) return CF_EINVAL;
    if (!(rho >= 0 && rho <= 1)) return CF_EDOM;
    if (!(rel_tol > 0)) rel_tol = 1e-10;
    double *tau = malloc(m * sizeof *tau);
    if (!tau) return CF_ENOMEM;
    size_t mi; int has_zero; double log_prod, log_min;
    int st = sf_prepare(p, m, tau, &mi, &has_zero, &log_prod, &log_min);
    if (err) *err = 0;
    if (st == CF_OK) {
        if (has_zero) *log_beta = -INFINITY;
        else if (mi == 0) *log_beta = 0;           /* every model always wrong */
        else if (rho == 0) *log_beta = log_prod;    /* independence */
        else if (rho == 1) *log_beta = log_min;     /* comonotone: the rarest error */
        else {
            double *a = malloc(2 * mi * sizeof *a);
            if (!a) { free(tau); return CF_ENOMEM; }
            double *b = a + mi, sa = 1 / sqrt(1 - rho), sb = sqrt(rho) / sqrt(1 - rho);
            for (size_t i = 0; i < mi; i++) { a[i] = tau[i] * sa; b[i] = sb; }
            st = sf_integrate(a, b, mi, rel_tol, log_beta, err);
            free(a);
        }
    }
    free(tau);
    return st;
}

int cf_factor_log_beta_loadings(const double *p, const double *lambda, size_t m, double rel_tol, double *log_beta, double *err) {
    if (!p || !lambda || !log_beta || m == 0) return CF_EINVAL;
    if (!(rel_tol > 0)) rel_tol = 1e-10;
    for (size_t i = 0; i < m; i++) {
        if (!(p[i] >= 0 && p[i] <= 1)) return CF_EDOM;
        if (!(lambda[i] >= 0 && lambda[i] < 1)) return CF_EDOM;
    }
    if (err) *err = 0;
    double *a = malloc(2 * m * sizeof *a);
    if (!a) return CF_ENOMEM;
    double *b = a + m, log_prod = 0;
    size_t mi = 0;
    int st = CF_OK;
    for (size_t i = 0; i < m; i++) {
        if (p[i] == 0) { *log_beta = -INFINITY; free(a); return CF_OK; }
        if (p[i] == 1) continue;
        double s = sqrt((1 - lambda[i]) * (1 + lambda[i]));
        if (lambda[i] == 0) { log_prod += log(p[i]); continue; } /* independent factor */
        a[mi] = cf_norm_quantile(p[i]) / s;
        b[mi] = lambda[i] / s;
        mi++;
    }
    if (mi == 0) *log_beta = log_prod;
    else {
        st = sf_integrate(a, b, mi, rel_tol, log_beta, err);
        if (st == CF_OK) *log_beta += log_prod;
    }
    free(a);
    return st;
}

typedef struct { const double *p; size_t m; double log_beta, rel_tol; int status; } rho_ctx;

static double rho_gap(double rho, void *ctx) {
    rho_ctx *c = ctx;
    double lb;
    int st = cf_factor_log_beta(c->p, c->m, rho, c->rel_tol, &lb, NULL);
    if (st != CF_OK) { c->status = st; return NAN; }
    return lb - c->log_beta;
}

int cf_factor_implied_rho(const double *p, size_t m, double log_beta, double *rho, int *why) {
    return cf_factor_implied_rho_tol(p, m, log_beta, 1e-12, 1e-13, NAN, rho, why);
}

int cf_factor_implied_rho_tol(const double *p, size_t m, double log_beta, double rel_tol, double xtol, double hint,
                              double *rho, int *why) {
    if (!p || !rho || !why || m == 0) return CF_EINVAL;
    if (isnan(log_beta) || log_beta > 0) return CF_EDOM;
    *rho = NAN;
    double *tau = malloc(m * sizeof *tau);
    if (!tau) return CF_ENOMEM;
    size_t mi; int has_zero; double log_prod, log_min;
    int st = sf_prepare(p, m, tau, &mi, &has_zero, &log_prod, &log_min);
    free(tau);
    if (st != CF_OK) return st;
    if (log_beta == -INFINITY) { *why = CF_RHO_BETA_ZERO; return CF_OK; }
    if (has_zero || mi == 0) { *why = CF_RHO_NO_MODELS; return CF_OK; }
    if (log_beta < log_prod) { *why = CF_RHO_BELOW_INDEPENDENCE; return CF_OK; }
    *why = CF_RHO_OK;
    if (log_beta >= log_min) { *rho = 1; return CF_OK; }
    if (log_beta == log_prod) { *rho = 0; return CF_OK; }
    rho_ctx c = {p, m, log_beta, rel_tol, CF_OK};
    double a = 0.0, b = 1.0, fa = log_prod - log_beta, fb = log_min - log_beta;
    if (isfinite(hint) && hint > 0 && hint < 1) {
        /* A nearby root (e.g. the full-sample ρ* in a bootstrap) gives a tight bracket: widen
         * ±0.02 around it until the sign changes, falling back to [0, 1]. */
        for (double w = 0.02; w < 1; w *= 4) {
            double lo = fmax(0.0, hint - w), hi = fmin(1.0, hint + w);
            double flo = lo == 0 ? fa : rho_gap(lo, &c), fhi = hi == 1 ? fb : rho_gap(hi, &c);
            if (c.status != CF_OK) return c.status;
            if (flo <= 0 && fhi >= 0) { a = lo; b = hi; fa = flo; fb = fhi; break; }
        }
    }
    st = cf_brent(rho_gap, &c, a, b, fa, fb, xtol, 200, rho);
    return c.status != CF_OK ? c.status : st;
}
