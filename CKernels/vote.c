/* Majority voting over model subsets and the single-factor majority floor (METHODS §11). */
#include "cf_vote.h"
#include "cf_normal.h"
#include "internal.h"
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_sf_gamma.h>
#include <stdlib.h>
#include <string.h>

enum { VOTE_MAX_K = 4096, VOTE_MAX_PLANES = 13 };

/* Lanes where the counter (planes[0] least significant) is >= t: MSB-first comparison. */
static uint64_t planes_geq(const uint64_t *planes, size_t nplanes, uint64_t t) {
    if (t == 0)
        return ~(uint64_t)0;
    if (nplanes < 64 && (t >> nplanes) != 0)
        return 0;
    uint64_t gt = 0, eq = ~(uint64_t)0;
    for (size_t b = nplanes; b-- > 0;) {
        uint64_t x = planes[b];
        if ((t >> b) & 1) {
            eq &= x;
        } else {
            gt |= eq & x;
            eq &= ~x;
        }
    }
    return gt | eq;
}

int cf_vote_counts(const uint64_t *bits, size_t words, const size_t *members, size_t count, size_t k, int64_t *out) {
    if (!bits || !members || !out || k == 0 || k > VOTE_MAX_K)
        return CF_EINVAL;
    size_t nplanes = 0;
    while (((size_t)1 << nplanes) <= k)
        nplanes++;
    uint64_t h = (uint64_t)(k / 2 + 1);
    for (size_t s = 0; s < count; s++) {
        const size_t *mem = members + s * k;
        int64_t maj = 0, ge2 = 0, eq1 = 0, any = 0;
        for (size_t w = 0; w < words; w++) {
            uint64_t planes[VOTE_MAX_PLANES] = {0};
            uint64_t either = 0;
            for (size_t i = 0; i < k; i++) {
                uint64_t carry = bits[mem[i] * words + w];
                either |= carry;
                for (size_t b = 0; b < nplanes && carry; b++) {
                    uint64_t next = planes[b] & carry;
                    planes[b] ^= carry;
                    carry = next;
                }
            }
            uint64_t two = planes_geq(planes, nplanes, 2);
            maj += __builtin_popcountll(planes_geq(planes, nplanes, h));
            ge2 += __builtin_popcountll(two);
            eq1 += __builtin_popcountll(either & ~two);
            any += __builtin_popcountll(either);
        }
        out[s * 4 + 0] = maj;
        out[s * 4 + 1] = ge2;
        out[s * 4 + 2] = eq1;
        out[s * 4 + 3] = any;
    }
    return CF_OK;
}

/* P(Bin(m, x) >= h) = I_x(h, m − h + 1). */
static double binomial_tail(double x, double h, double m) {
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    gsl_sf_result r;
    if (gsl_sf_beta_inc_e(h, m - h + 1, x, &r) != GSL_SUCCESS && !isfinite(r.val))
        return NAN;
    return r.val;
}

typedef struct {
    double tau, sr, s1r; /* Φ⁻¹(p), √ρ, √(1−ρ) */
    double h, m;
    const double *taus; /* heterogeneous thresholds, or NULL */
    size_t n;
    double *work; /* n + 1 doubles for the Poisson-binomial recursion */
} vote_ctx;

/* P(Σ B_i >= h) for independent Bernoulli(q_i): dist[j] = P(j successes so far). */
static double poisson_binomial_tail(const vote_ctx *c, double f) {
    double *dist = c->work;
    size_t n = c->n;
    memset(dist, 0, (n + 1) * sizeof *dist);
    dist[0] = 1;
    for (size_t i = 0; i < n; i++) {
        double q = cf_norm_cdf((c->taus[i] - c->sr * f) / c->s1r);
        for (size_t j = i + 1; j > 0; j--)
            dist[j] = dist[j] * (1 - q) + dist[j - 1] * q;
        dist[0] *= 1 - q;
    }
    double tail = 0;
    for (size_t j = (size_t)c->h; j <= n; j++)
        tail += dist[j];
    return tail;
}

static double vote_integrand(double f, void *arg) {
    const vote_ctx *c = arg;
    double dens = exp(-0.5 * f * f) / 2.5066282746310002;
    if (c->taus)
        return dens * poisson_binomial_tail(c, f);
    return dens * binomial_tail(cf_norm_cdf((c->tau - c->sr * f) / c->s1r), c->h, c->m);
}

/* ∫ over [−40, 40] split at the step and at 0 (φ is below 1e-300 outside). */
static int vote_integrate(vote_ctx *c, double fstar, double width, double rel_tol, double *out) {
    double pts[6];
    size_t np = 0;
    pts[np++] = -40;
    pts[np++] = 40;
    double cand[4] = {fstar - width, fstar, fstar + width, 0};
    for (int i = 0; i < 4; i++)
        if (isfinite(cand[i]) && cand[i] > -40 && cand[i] < 40)
            pts[np++] = cand[i];
    cf_sort_ascending(pts, np);
    size_t u = 1;
    for (size_t i = 1; i < np; i++)
        if (pts[i] > pts[u - 1])
            pts[u++] = pts[i];
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
    if (!ws)
        return CF_ENOMEM;
    gsl_function fn = {vote_integrand, c};
    double val, abserr;
    int g = gsl_integration_qagp(&fn, pts, u, 0.0, rel_tol, 1000, ws, &val, &abserr);
    gsl_integration_workspace_free(ws);
    if (!isfinite(val))
        return CF_EDOM;
    if (g != GSL_SUCCESS && !(abserr <= 10 * rel_tol * fabs(val)))
        return CF_EMAXITER;
    *out = fmin(1, fmax(0, val));
    return CF_OK;
}

int cf_vote_majority_error(double p, double rho, int64_t m, double rel_tol, double *out) {
    if (!out)
        return CF_EINVAL;
    if (!(p >= 0 && p <= 1) || !(rho >= 0 && rho <= 1) || m < 1 || !(rel_tol > 0))
        return CF_EDOM;
    double h = (double)((m + 1) / 2), dm = (double)m;
    if (m == 1 || rho == 1 || p == 0 || p == 1) {
        *out = p;
        return CF_OK;
    }
    if (rho == 0) {
        *out = binomial_tail(p, h, dm);
        return isfinite(*out) ? CF_OK : CF_EDOM;
    }
    vote_ctx c = {cf_norm_quantile(p), cf_sqrt(rho), cf_sqrt(1 - rho), h, dm, NULL, 0, NULL};
    double fstar = c.tau / c.sr, width = 8 * cf_sqrt((1 - rho) / rho) / cf_sqrt(dm);
    return vote_integrate(&c, fstar, width, rel_tol, out);
}

int cf_vote_majority_error_het(const double *p, size_t m, double rho, double rel_tol, double *out) {
    if (!p || !out || m == 0)
        return CF_EINVAL;
    if (!(rho >= 0 && rho <= 1) || !(rel_tol > 0))
        return CF_EDOM;
    for (size_t i = 0; i < m; i++)
        if (!(p[i] >= 0 && p[i] <= 1))
            return CF_EDOM;
    if (rho == 1) {
        /* every member errs iff the factor is below its threshold: the vote errs below the median one */
        double *s = malloc(m * sizeof *s);
        if (!s)
            return CF_ENOMEM;
        memcpy(s, p, m * sizeof *s);
        cf_sort_ascending(s, m);
        *out = s[m - (m + 1) / 2];
        free(s);
        return CF_OK;
    }
    double *work = malloc((2 * m + 1) * sizeof *work);
    if (!work)
        return CF_ENOMEM;
    double *taus = work + m + 1;
    double mean = 0;
    for (size_t i = 0; i < m; i++) {
        taus[i] = cf_norm_quantile(p[i]);
        mean += p[i];
    }
    mean /= (double)m;
    double sr = cf_sqrt(rho), s1r = cf_sqrt(1 - rho);
    vote_ctx c = {0, sr, s1r, (double)((m + 1) / 2), (double)m, taus, m, work};
    int st;
    if (rho == 0) {
        *out = poisson_binomial_tail(&c, 0);
        st = CF_OK;
    } else {
        double fstar = cf_norm_quantile(mean) / sr, width = 8 * cf_sqrt((1 - rho) / rho) / cf_sqrt((double)m);
        st = vote_integrate(&c, fstar, width, rel_tol, out);
    }
    free(work);
    return st;
}
