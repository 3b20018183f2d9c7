/*
 * Gaussian orthant probabilities P(Z <= τ), Z ~ N(0, R) (METHODS §4): crude Monte Carlo and
 * Botev's (2017) minimax exponentially tilted separation-of-variables estimator with
 * randomised QMC. Both work on the same variable order and Cholesky factor.
 */
#include "cf_orthant.h"
#include "cf_bvn.h"
#include "cf_rng.h"
#include "internal.h"
#include <cblas.h>
#include <lapacke.h>
#include <stdlib.h>
#include <string.h>

/*
 * Genz–Bretz ordering with Cholesky (the "cholperm" step of Botev's method): at step k choose,
 * among the remaining variables, the one with the smallest conditional probability given the
 * truncated means of the variables already placed. Writes the lower factor L (d x d, row-major),
 * the permuted bounds u, and the permutation.
 */
static int order_and_factor(const double *r, const double *tau, size_t d, double *L, double *u, size_t *perm) {
    double *S = malloc(d * d * sizeof *S), *y = calloc(d, sizeof *y);
    if (!S || !y) {
        free(S);
        free(y);
        return CF_ENOMEM;
    }
    memcpy(S, r, d * d * sizeof *S);
    memset(L, 0, d * d * sizeof *L);
    for (size_t i = 0; i < d; i++) {
        u[i] = tau[i];
        perm[i] = i;
    }
    int st = CF_OK;
    for (size_t k = 0; k < d; k++) {
        size_t best = k;
        double bestp = INFINITY;
        for (size_t j = k; j < d; j++) {
            double s = S[j * d + j], c = 0;
            for (size_t i = 0; i < k; i++) {
                s -= L[j * d + i] * L[j * d + i];
                c += L[j * d + i] * y[i];
            }
            if (s <= 1e-14)
                continue;
            double lp = cf_norm_logcdf((u[j] - c) / cf_sqrt(s));
            if (lp < bestp) {
                bestp = lp;
                best = j;
            }
        }
        if (best != k) { /* swap variables k and best */
            for (size_t i = 0; i < d; i++) {
                double t = S[k * d + i];
                S[k * d + i] = S[best * d + i];
                S[best * d + i] = t;
            }
            for (size_t i = 0; i < d; i++) {
                double t = S[i * d + k];
                S[i * d + k] = S[i * d + best];
                S[i * d + best] = t;
            }
            for (size_t i = 0; i < k; i++) {
                double t = L[k * d + i];
                L[k * d + i] = L[best * d + i];
                L[best * d + i] = t;
            }
            double t = u[k];
            u[k] = u[best];
            u[best] = t;
            size_t p = perm[k];
            perm[k] = perm[best];
            perm[best] = p;
        }
        double s = S[k * d + k];
        for (size_t i = 0; i < k; i++)
            s -= L[k * d + i] * L[k * d + i];
        if (!(s > 1e-14)) {
            st = CF_ENOTPD;
            break;
        }
        double lkk = cf_sqrt(s);
        L[k * d + k] = lkk;
        for (size_t j = k + 1; j < d; j++) {
            double v = S[j * d + k];
            for (size_t i = 0; i < k; i++)
                v -= L[j * d + i] * L[k * d + i];
            L[j * d + k] = v / lkk;
        }
        double c = 0;
        for (size_t i = 0; i < k; i++)
            c += L[k * d + i] * y[i];
        y[k] = -cf_norm_mills((u[k] - c) / lkk); /* E[X | X <= t] for a standard normal */
    }
    free(S);
    free(y);
    return st;
}

static int check_inputs(const double *r, const double *tau, size_t d) {
    if (!r || !tau || d == 0)
        return CF_EINVAL;
    for (size_t i = 0; i < d; i++) {
        if (isnan(tau[i]))
            return CF_EDOM;
        if (fabs(r[i * d + i] - 1) > 1e-8)
            return CF_EDOM;
        for (size_t j = 0; j < d; j++)
            if (!(fabs(r[i * d + j]) <= 1 + 1e-12) || !(fabs(r[i * d + j] - r[j * d + i]) <= 1e-12))
                return CF_EDOM;
    }
    return CF_OK;
}

/* ---------------- crude Monte Carlo ---------------- */

enum { MC_BLOCK = 4096 };

typedef struct {
    const double *L, *u;
    size_t d, threads;
    uint64_t key, draws;
    uint64_t *hits; /* per thread; MC_FAILED when the thread could not allocate */
} mc_job;

static const uint64_t MC_FAILED = UINT64_MAX;

static void mc_worker(void *arg, size_t t) {
    mc_job *j = arg;
    size_t d = j->d;
    double *eps = malloc(d * sizeof *eps);
    if (!eps) {
        j->hits[t] = MC_FAILED;
        return;
    }
    /* The first variable is z_0 = L_00 ε_0 with ε_0 = Φ⁻¹(U): it leaves the orthant exactly when
     * U > Φ(u_0/L_00), so most draws (the order puts the rarest variable first) end on their
     * first uniform, with no quantile. */
    double first = cf_norm_cdf(j->u[0] / j->L[0]);
    uint64_t hits = 0, blocks = (j->draws + MC_BLOCK - 1) / MC_BLOCK;
    for (uint64_t b = t; b < blocks; b += j->threads) {
        uint64_t end = (b + 1) * MC_BLOCK < j->draws ? (b + 1) * MC_BLOCK : j->draws;
        for (uint64_t draw = b * MC_BLOCK; draw < end; draw++) {
            int inside = 1;
            double pair[2];
            for (size_t k = 0; k < d; k++) {
                if ((k & 1) == 0) {
                    cf_rng_uniform2(j->key, draw, k >> 1, pair);
                    if (k == 0 && pair[0] > first) {
                        inside = 0;
                        break;
                    }
                    eps[k] = cf_norm_quantile(pair[0]);
                } else
                    eps[k] = cf_norm_quantile(pair[1]);
                const double *row = j->L + k * d;
                double z = 0;
                for (size_t i = 0; i <= k; i++)
                    z += row[i] * eps[i];
                if (z > j->u[k]) {
                    inside = 0;
                    break;
                }
            }
            hits += (uint64_t)inside;
        }
    }
    j->hits[t] = hits;
    free(eps);
}

int cf_orthant_mc(const double *r, const double *tau, size_t d, uint64_t key, uint64_t draws, size_t threads,
                  cf_estimate *out) {
    if (!out)
        return CF_EINVAL;
    int st = check_inputs(r, tau, d);
    if (st != CF_OK)
        return st;
    if (draws == 0)
        return CF_EINVAL;
    if (threads < 1)
        threads = 1;
    double *L = malloc(d * d * sizeof *L), *u = malloc(d * sizeof *u);
    size_t *perm = malloc(d * sizeof *perm);
    uint64_t *hits = calloc(threads, sizeof *hits);
    if (!L || !u || !perm || !hits) {
        st = CF_ENOMEM;
        goto done;
    }
    st = order_and_factor(r, tau, d, L, u, perm);
    if (st != CF_OK)
        goto done;
    mc_job job = {L, u, d, threads, key, draws, hits};
    st = cf_parallel(threads, mc_worker, &job);
    if (st != CF_OK)
        goto done;
    uint64_t h = 0;
    for (size_t t = 0; t < threads; t++) {
        if (hits[t] == MC_FAILED) {
            st = CF_ENOMEM;
            goto done;
        }
        h += hits[t];
    }
    double p = (double)h / (double)draws;
    out->val = p;
    out->log_val = h ? log(p) : -INFINITY;
    out->se = cf_sqrt(p * (1 - p) / (double)draws);
    out->rel_se = h ? out->se / p : INFINITY;
    out->samples = draws;
    out->hits = h;
done:
    free(L);
    free(u);
    free(perm);
    free(hits);
    return st;
}

/* ---------------- minimax tilting ---------------- */

/* Gradient and Jacobian of ψ at (x, μ) for the orthant (Botev 2017, §3; lower limits −∞).
 * Lt is the scaled factor (unit rows divided by the diagonal, diagonal set to 0), ut the scaled
 * upper limits. y = (x_0..x_{d−2}, μ_0..μ_{d−2}); grad has 2(d−1) entries, jac is (2d−2)² row-major. */
static void psi_grad(const double *Lt, const double *ut, size_t d, const double *y, double *grad, double *jac,
                     double *x, double *mu, double *P, double *dP, double *W) {
    size_t n = d - 1;
    for (size_t k = 0; k < d; k++) {
        x[k] = k < n ? y[k] : 0;
        mu[k] = k < n ? y[n + k] : 0;
    }
    for (size_t k = 0; k < d; k++) {
        double c = 0;
        for (size_t j = 0; j < k; j++)
            c += Lt[k * d + j] * x[j];
        double t = ut[k] - mu[k] - c;
        double lam = cf_norm_mills(t);
        P[k] = -lam;
        dP[k] = -lam * lam - t * lam;
    }
    /* Σ_{k>j} P_k L̃_kj, row by row (each grad[j] still sums k upwards) */
    for (size_t j = 0; j < n; j++)
        grad[j] = 0;
    for (size_t k = 1; k < d; k++)
        for (size_t j = 0; j < k; j++)
            grad[j] += P[k] * Lt[k * d + j];
    for (size_t j = 0; j < n; j++) {
        grad[j] = -mu[j] + grad[j];
        grad[n + j] = mu[j] - x[j] + P[j];
    }
    if (!jac)
        return;
    size_t m2 = 2 * n;
    /* xx = L̃ᵀ diag(dP) L̃ over every k (L̃ is strictly lower triangular, so the terms with
     * k ≤ max(a, b) vanish), as one matrix product: W = diag(dP) L̃, xx = L̃ᵀ W into the top-left
     * n × n block of jac (leading dimension m2). */
    for (size_t k = 0; k < d; k++)
        for (size_t j = 0; j < n; j++)
            W[k * n + j] = dP[k] * Lt[k * d + j];
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (blasint)n, (blasint)n, (blasint)d, 1.0, Lt, (blasint)d, W,
                (blasint)n, 0.0, jac, (blasint)m2);
    /* mx = −I + diag(dP) L̃ */
    for (size_t a = 0; a < n; a++)
        for (size_t b = 0; b < n; b++) {
            double mx = (a == b ? -1.0 : 0.0) + dP[a] * Lt[a * d + b]; /* mx[a][b] */
            jac[(n + a) * m2 + b] = mx;
            jac[b * m2 + (n + a)] = mx; /* mxᵀ */
            jac[(n + a) * m2 + (n + b)] = a == b ? 1 + dP[a] : 0;
        }
}

static double norm_inf(const double *v, size_t n) {
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(v[i]));
    return m;
}

/* Newton with backtracking on ‖∇ψ‖; returns 1 when it converged. */
static int solve_tilt(const double *Lt, const double *ut, size_t d, double *y) {
    size_t n2 = 2 * (d - 1);
    double *g = malloc(n2 * sizeof *g), *J = malloc(n2 * n2 * sizeof *J), *step = malloc(n2 * sizeof *step);
    double *yt = malloc(n2 * sizeof *yt), *gt = malloc(n2 * sizeof *gt);
    double *x = malloc(d * sizeof *x), *mu = malloc(d * sizeof *mu), *P = malloc(d * sizeof *P),
           *dP = malloc(d * sizeof *dP), *W = malloc(d * (d - 1) * sizeof *W);
    lapack_int *ipiv = malloc(n2 * sizeof *ipiv);
    int ok = 0;
    if (!g || !J || !step || !yt || !gt || !x || !mu || !P || !dP || !W || !ipiv)
        goto done;
    memset(y, 0, n2 * sizeof *y);
    for (int it = 0; it < 100; it++) {
        psi_grad(Lt, ut, d, y, g, J, x, mu, P, dP, W);
        double gn = norm_inf(g, n2);
        if (!isfinite(gn))
            break;
        if (gn < 1e-10) {
            ok = 1;
            break;
        }
        memcpy(step, g, n2 * sizeof *g);
        /* The Hessian of ψ is symmetric (indefinite: a saddle), so its row-major storage is its
         * column-major storage: Bunch–Kaufman without a transposed copy. */
        if (LAPACKE_dsysv(LAPACK_COL_MAJOR, 'L', (lapack_int)n2, 1, J, (lapack_int)n2, ipiv, step, (lapack_int)n2) != 0)
            break;
        double t = 1;
        int accepted = 0;
        for (int ls = 0; ls < 40; ls++, t *= 0.5) {
            for (size_t i = 0; i < n2; i++)
                yt[i] = y[i] - t * step[i];
            psi_grad(Lt, ut, d, yt, gt, NULL, x, mu, P, dP, W);
            double gtn = norm_inf(gt, n2);
            if (isfinite(gtn) && gtn < (1 - 1e-4 * t) * gn) {
                accepted = 1;
                break;
            }
        }
        if (!accepted)
            break;
        memcpy(y, yt, n2 * sizeof *y);
    }
done:
    free(g);
    free(J);
    free(step);
    free(yt);
    free(gt);
    free(x);
    free(mu);
    free(P);
    free(dP);
    free(W);
    free(ipiv);
    return ok;
}

typedef struct {
    const double *Lt, *ut, *mu, *gen;
    size_t d, points, first, last, threads; /* shifts first ..< last */
    uint64_t key;
    double *shift_log_mean;
} tilt_job;

/* Points are processed TILT_BLOCK at a time: each row of L̃ is read once per block and its
 * dot products with the block's points run side by side as vectors, two rows at a time, so at
 * large d the work is bound by arithmetic, not by streaming L̃ per point, and eight independent
 * sums keep the multiply-add units busy. Each point's sums run in the order of one point at a
 * time: the block changes no result. */
enum { TILT_BLOCK = 16 };
/* four doubles at any 8-byte alignment (zb rows are read as four such vectors) */
typedef double tilt_v4 __attribute__((ext_vector_type(4), aligned(8)));

/* four vectors into c[0 ..< 16] (a macro: vector arguments would change the baseline ABI) */
#define TILT_STORE(c, a, b, e, f)                                                                                      \
    do {                                                                                                               \
        *(tilt_v4 *)(c) = (a);                                                                                         \
        *(tilt_v4 *)((c) + 4) = (b);                                                                                   \
        *(tilt_v4 *)((c) + 8) = (e);                                                                                   \
        *(tilt_v4 *)((c) + 12) = (f);                                                                                  \
    } while (0)

/* Row k of a block, given its dot products c[p] = Σ_{a<k} L̃_ka z_a (overwritten): log Φ of the
 * block's truncation points, then the quantiles of the lattice coordinates inside them, each for
 * the whole block at once; z_k into zb (zero past the np live points) and the log-weights. */
CF_INLINE void tilt_row(const tilt_job *j, size_t k, size_t i0, size_t np, double *c, double *zb, const double *sh,
                        double *logw) {
    double lps[TILT_BLOCK], zs[TILT_BLOCK];
    for (size_t p = 0; p < np; p++)
        c[p] = j->ut[k] - j->mu[k] - c[p];
    cf_norm_logcdf_batch(c, np, lps);
    if (k + 1 == j->d) {
        for (size_t p = 0; p < np; p++)
            logw[p] += lps[p];
        return;
    }
    for (size_t p = 0; p < np; p++) {
        /* randomised Richtmyer lattice coordinate with the baker's (tent) transform */
        double q = (double)(i0 + p + 1) * j->gen[k] + sh[k];
        q -= floor(q);
        q = 1 - fabs(2 * q - 1);
        c[p] = cf_log(q > 0 ? q : 0x1p-53) + lps[p];
    }
    cf_norm_quantile_log_batch(c, np, zs);
    for (size_t p = 0; p < np; p++) {
        double z = j->mu[k] + zs[p];
        zb[k * TILT_BLOCK + p] = z;
        logw[p] += lps[p] + 0.5 * j->mu[k] * j->mu[k] - j->mu[k] * z;
    }
    for (size_t p = np; p < TILT_BLOCK; p++)
        zb[k * TILT_BLOCK + p] = 0;
}

CF_SIMD_CLONES
static void tilt_worker(void *arg, size_t t) {
    tilt_job *j = arg;
    size_t d = j->d;
    double *zb = malloc(d * TILT_BLOCK * sizeof *zb), *lw = malloc(j->points * sizeof *lw);
    double *sh = malloc(d * sizeof *sh);
    if (!zb || !lw || !sh) {
        free(zb);
        free(lw);
        free(sh);
        return;
    }
    for (size_t s = j->first + t; s < j->last; s += j->threads) {
        for (size_t k = 0; k + 1 < d; k += 2) {
            double u2[2];
            cf_rng_uniform2(j->key, s, k >> 1, u2);
            sh[k] = u2[0];
            if (k + 1 < d)
                sh[k + 1] = u2[1];
        }
        double mx = -INFINITY;
        for (size_t i0 = 0; i0 < j->points; i0 += TILT_BLOCK) {
            size_t np = j->points - i0 < TILT_BLOCK ? j->points - i0 : TILT_BLOCK;
            double logw[TILT_BLOCK] = {0};
            /* Rows k and k + 1 at once: their sums over a < k share every load of the block's
             * z; row k + 1 then adds its a = k term once z_k is known. */
            for (size_t k = 0; k < d; k += 2) {
                const double *row = j->Lt + k * d, *row1 = row + d;
                int two = k + 1 < d;
                cf_v4d r0 = 0, r1 = 0, r2 = 0, r3 = 0, s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                for (size_t a = 0; a < k; a++) {
                    const tilt_v4 *za = (const tilt_v4 *)(zb + a * TILT_BLOCK);
                    cf_v4d l = row[a], l1 = two ? row1[a] : 0;
                    r0 += l * za[0];
                    r1 += l * za[1];
                    r2 += l * za[2];
                    r3 += l * za[3];
                    s0 += l1 * za[0];
                    s1 += l1 * za[1];
                    s2 += l1 * za[2];
                    s3 += l1 * za[3];
                }
                double c[TILT_BLOCK];
                TILT_STORE(c, r0, r1, r2, r3);
                tilt_row(j, k, i0, np, c, zb, sh, logw);
                if (!two)
                    continue;
                const tilt_v4 *zk = (const tilt_v4 *)(zb + k * TILT_BLOCK);
                cf_v4d l = row1[k];
                s0 += l * zk[0];
                s1 += l * zk[1];
                s2 += l * zk[2];
                s3 += l * zk[3];
                TILT_STORE(c, s0, s1, s2, s3);
                tilt_row(j, k + 1, i0, np, c, zb, sh, logw);
            }
            for (size_t p = 0; p < np; p++) {
                lw[i0 + p] = logw[p];
                if (logw[p] > mx)
                    mx = logw[p];
            }
        }
        double sum = 0;
        for (size_t i = 0; i < j->points; i++)
            sum += exp(lw[i] - mx);
        j->shift_log_mean[s] = mx + log(sum / (double)j->points);
    }
    free(zb);
    free(lw);
    free(sh);
}

/* Mean and relative standard error of the shift means lm[0 ..< n] (kept in log space). */
static void tilt_combine(const double *lm, size_t n, size_t points, cf_estimate *out) {
    double mx = -INFINITY;
    for (size_t s = 0; s < n; s++)
        if (lm[s] > mx)
            mx = lm[s];
    out->samples = points * n;
    if (mx == -INFINITY) {
        out->val = 0;
        out->log_val = -INFINITY;
        out->se = 0;
        out->rel_se = INFINITY;
        return;
    }
    double mean = 0, ss = 0;
    for (size_t s = 0; s < n; s++)
        mean += exp(lm[s] - mx);
    mean /= (double)n;
    for (size_t s = 0; s < n; s++) {
        double v = exp(lm[s] - mx) - mean;
        ss += v * v;
    }
    double sd_mean = cf_sqrt(ss / (double)(n - 1) / (double)n);
    out->log_val = mx + log(mean);
    out->val = exp(out->log_val);
    out->rel_se = sd_mean / mean;
    out->se = out->rel_se * out->val;
}

int cf_orthant_tilted_target(const double *r, const double *tau, size_t d, uint64_t key, size_t points, size_t shifts,
                             double rel_target, size_t max_shifts, size_t threads, cf_estimate *out) {
    if (!out)
        return CF_EINVAL;
    int st = check_inputs(r, tau, d);
    if (st != CF_OK)
        return st;
    if (points == 0 || shifts < 2 || max_shifts < shifts)
        return CF_EINVAL;
    if (!(rel_target >= 0))
        return CF_EDOM;
    if (threads < 1)
        threads = 1;
    memset(out, 0, sizeof *out);
    if (d == 1) {
        out->val = cf_norm_cdf(tau[0]);
        out->log_val = cf_norm_logcdf(tau[0]);
        out->samples = 0;
        return CF_OK;
    }
    double *L = malloc(d * d * sizeof *L), *u = malloc(d * sizeof *u), *mu = calloc(d, sizeof *mu);
    double *y = calloc(2 * (d - 1), sizeof *y), *gen = malloc(d * sizeof *gen);
    double *lm = malloc(max_shifts * sizeof *lm);
    size_t *perm = malloc(d * sizeof *perm);
    if (!L || !u || !mu || !y || !gen || !lm || !perm) {
        st = CF_ENOMEM;
        goto done;
    }
    st = order_and_factor(r, tau, d, L, u, perm);
    if (st != CF_OK)
        goto done;
    /* scale rows to a unit diagonal, then zero it: Z_k = L̃_k·z + z_k */
    for (size_t k = 0; k < d; k++) {
        double dk = L[k * d + k];
        for (size_t j = 0; j < k; j++)
            L[k * d + j] /= dk;
        L[k * d + k] = 0;
        u[k] /= dk;
    }
    if (solve_tilt(L, u, d, y))
        for (size_t k = 0; k + 1 < d; k++)
            mu[k] = y[d - 1 + k];
    /* else μ = 0: plain separation of variables, still unbiased, higher variance */
    /* Richtmyer generators √prime */
    for (size_t k = 0, p = 2; k < d; p++) {
        int prime = 1;
        for (size_t q = 2; q * q <= p; q++)
            if (p % q == 0) {
                prime = 0;
                break;
            }
        if (prime)
            gen[k++] = cf_sqrt((double)p);
    }
    /* batches of `shifts` shifts until the relative standard error meets the target or the cap
     * is reached; shift s always uses stream s, so the result is a function of the batches run */
    size_t done_shifts = 0;
    while (done_shifts < max_shifts) {
        size_t last = done_shifts + shifts < max_shifts ? done_shifts + shifts : max_shifts;
        for (size_t s = done_shifts; s < last; s++)
            lm[s] = NAN;
        tilt_job job = {L, u, mu, gen, d, points, done_shifts, last, threads, key, lm};
        st = cf_parallel(threads, tilt_worker, &job);
        if (st != CF_OK)
            goto done;
        for (size_t s = done_shifts; s < last; s++)
            if (isnan(lm[s])) {
                st = CF_ENOMEM;
                goto done;
            }
        done_shifts = last;
        tilt_combine(lm, done_shifts, points, out);
        if (out->rel_se <= rel_target)
            break;
    }
done:
    free(L);
    free(u);
    free(mu);
    free(y);
    free(gen);
    free(lm);
    free(perm);
    return st;
}

int cf_orthant_tilted(const double *r, const double *tau, size_t d, uint64_t key, size_t points, size_t shifts,
                      size_t threads, cf_estimate *out) {
    return cf_orthant_tilted_target(r, tau, d, key, points, shifts, 0, shifts, threads, out);
}
