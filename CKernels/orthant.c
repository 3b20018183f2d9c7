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
 * truncated means of the variables already placed; the first `pinned` variables keep their
 * places. Writes the lower factor L (d x d, row-major), the permuted bounds u, the permutation,
 * and (when ymean is not NULL) the truncated means of the first d − 1 standardised variables in
 * the new order.
 */
static int order_and_factor(const double *r, const double *tau, size_t d, size_t pinned, double *L, double *u,
                            size_t *perm, double *ymean) {
    /* sv, cv: each unplaced variable's conditional variance and mean given the placed ones,
     * updated as each column of L is found; col: the new column before scaling */
    double *S = malloc(d * d * sizeof *S), *sv = malloc(d * sizeof *sv);
    double *cv = calloc(d, sizeof *cv), *col = malloc(d * sizeof *col);
    if (!S || !sv || !cv || !col) {
        free(S);
        free(sv);
        free(cv);
        free(col);
        return CF_ENOMEM;
    }
    memcpy(S, r, d * d * sizeof *S);
    memset(L, 0, d * d * sizeof *L);
    for (size_t i = 0; i < d; i++) {
        u[i] = tau[i];
        perm[i] = i;
        sv[i] = S[i * d + i];
    }
    int st = CF_OK;
    for (size_t k = 0; k < d; k++) {
        size_t best = k;
        double bestp = INFINITY;
        for (size_t j = k; j < d && k >= pinned; j++) {
            if (sv[j] <= 1e-14)
                continue;
            double lp = cf_norm_logcdf((u[j] - cv[j]) / cf_sqrt(sv[j]));
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
            t = sv[k];
            sv[k] = sv[best];
            sv[best] = t;
            t = cv[k];
            cv[k] = cv[best];
            cv[best] = t;
            size_t p = perm[k];
            perm[k] = perm[best];
            perm[best] = p;
        }
        if (!(sv[k] > 1e-14)) {
            st = CF_ENOTPD;
            break;
        }
        double lkk = cf_sqrt(sv[k]);
        L[k * d + k] = lkk;
        double yk = -cf_norm_mills((u[k] - cv[k]) / lkk); /* E[X | X <= t] for a standard normal */
        size_t below = d - k - 1;
        if (below == 0)
            break;
        if (ymean)
            ymean[k] = yk;
        /* column k below the diagonal: (S_jk − L_j,<k · L_k,<k) / L_kk, S_jk read from row k */
        memcpy(col, S + k * d + k + 1, below * sizeof *col);
        if (k > 0)
            cblas_dgemv(CblasRowMajor, CblasNoTrans, (blasint)below, (blasint)k, -1.0, L + (k + 1) * d, (blasint)d,
                        L + k * d, 1, 1.0, col, 1);
        for (size_t j = k + 1; j < d; j++) {
            double l = col[j - k - 1] / lkk;
            L[j * d + k] = l;
            sv[j] -= l * l;
            cv[j] += l * yk;
        }
    }
    free(S);
    free(sv);
    free(cv);
    free(col);
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
    st = order_and_factor(r, tau, d, 0, L, u, perm, NULL);
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

/* Gradient of ψ at (x, μ) for the orthant (Botev 2017, §3; lower limits −∞). Lt is the scaled
 * factor (unit rows divided by the diagonal, diagonal set to 0), ut the scaled upper limits.
 * y = (x_0..x_{d−2}, μ_0..μ_{d−2}); grad has 2(d−1) entries. Leaves P = −φ/Φ and
 * dP = P' (both ≤ 0, 1 + dP > 0: the variance of a truncated normal) at each t_k in P, dP. */
static void psi_grad(const double *Lt, const double *ut, size_t d, const double *y, double *grad, double *x, double *mu,
                     double *P, double *dP) {
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
        dP[k] = lam > 0 ? -lam * lam - t * lam : 0; /* λ = 0: an unbounded variable (t = +∞) */
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
}

/*
 * The Newton step s = J⁻¹g of ψ at the point psi_grad last evaluated (its dP). With n = d − 1,
 * J = [[A, Bᵀ], [B, D]]: A = L̃ᵀ diag(dP) L̃ over every row (strictly lower L̃: columns < n only),
 * B = −I + diag(dP) L̃ (n x n), D = diag(1 + dP). Where D is positive, as it is in exact
 * arithmetic, the Schur complement of the μ block is A − BᵀD⁻¹B = −KᵀK with
 * K = [diag(√−dP) L̃; D^{−½} B] of full column rank (its lower block is triangular with a non-zero
 * diagonal), so s_x solves KᵀK s_x = BᵀD⁻¹g_μ − g_x by Cholesky — an eighth of the cost of
 * factorising J — and s_μ = D⁻¹(g_μ − B s_x). Far from the solution of a nearly singular R,
 * 1 + dP can round to zero or below and KᵀK lose definiteness; then J itself is assembled and
 * solved by Bunch–Kaufman. K is 2n x n workspace (K's two blocks as n x n triangles), S n x n,
 * v n; *J (2n x 2n) and *ipiv are allocated on first need and freed by the caller. Returns 0,
 * or 1 when both solves fail.
 */
static int newton_step(const double *Lt, size_t d, const double *dP, const double *g, double *K, double *S, double *v,
                       double **J, lapack_int **ipiv, double *step) {
    size_t n = d - 1, n2 = 2 * n;
    lapack_int ln = (lapack_int)n;
    double *N = K, *M = K + n * n;
    int schur = 1;
    /* row-major lower triangles: rows 1..n of diag(√−dP) L̃ (its row 0 is zero) in N, D^{−½}B in M */
    for (size_t i = 0; i < n; i++) {
        double si = cf_sqrt(fmax(-dP[i + 1], 0));
        schur &= 1 + dP[i] > 0;
        double ia = 1 / cf_sqrt(1 + dP[i]);
        for (size_t j = 0; j < n; j++) {
            N[i * n + j] = j <= i ? si * Lt[(i + 1) * d + j] : 0;
            M[i * n + j] = j < i ? ia * dP[i] * Lt[i * d + j] : j == i ? -ia : 0;
        }
    }
    /* A row-major lower triangle L is the column-major upper triangle U = Lᵀ, so dlauum's U·Uᵀ
     * is LᵀL, left in the upper triangle (column-major) */
    if (LAPACKE_dlauum(LAPACK_COL_MAJOR, 'U', ln, N, ln) != 0)
        return 1;
    if (schur && LAPACKE_dlauum(LAPACK_COL_MAJOR, 'U', ln, M, ln) == 0) {
        for (size_t j = 0; j < n; j++) /* S = KᵀK = NᵀN + MᵀM */
            for (size_t i = 0; i <= j; i++)
                S[j * n + i] = N[j * n + i] + M[j * n + i];
        /* v = D⁻¹g_μ; right side Bᵀv − g_x, with (Bᵀv)_b = −v_b + Σ_{a>b} dP_a L̃_ab v_a */
        for (size_t a = 0; a < n; a++)
            v[a] = g[n + a] / (1 + dP[a]);
        for (size_t b = 0; b < n; b++)
            step[b] = -v[b] - g[b];
        for (size_t a = 1; a < n; a++)
            for (size_t b = 0; b < a; b++)
                step[b] += dP[a] * Lt[a * d + b] * v[a];
        if (LAPACKE_dposv(LAPACK_COL_MAJOR, 'U', ln, 1, S, ln, step, ln) == 0) {
            /* s_μ = D⁻¹(g_μ − B s_x), (B s_x)_a = −s_a + dP_a Σ_{b<a} L̃_ab s_b */
            for (size_t a = 0; a < n; a++) {
                double bs = 0;
                for (size_t b = 0; b < a; b++)
                    bs += Lt[a * d + b] * step[b];
                bs = -step[a] + dP[a] * bs;
                step[n + a] = (g[n + a] - bs) / (1 + dP[a]);
            }
            return 0;
        }
    }
    if (!*J)
        *J = malloc(n2 * n2 * sizeof **J);
    if (!*ipiv)
        *ipiv = malloc(n2 * sizeof **ipiv);
    if (!*J || !*ipiv)
        return 1;
    double *jac = *J; /* column-major, lower triangle */
    for (size_t a = 0; a < n; a++)
        for (size_t b = 0; b < n; b++) {
            if (b <= a)
                jac[b * n2 + a] = -N[a * n + b]; /* A_ab = −(NᵀN)_ba */
            jac[b * n2 + n + a] = (a == b ? -1.0 : 0.0) + (b < a ? dP[a] * Lt[a * d + b] : 0.0); /* B_ab */
            jac[(n + b) * n2 + n + a] = a == b ? 1 + dP[a] : 0;
        }
    memcpy(step, g, n2 * sizeof *step);
    return LAPACKE_dsysv(LAPACK_COL_MAJOR, 'L', (lapack_int)n2, 1, jac, (lapack_int)n2, *ipiv, step, (lapack_int)n2) !=
           0;
}

static double norm_inf(const double *v, size_t n) {
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(v[i]));
    return m;
}

/* Newton with backtracking on ‖∇ψ‖ from y = (x, μ) with μ = x, x as given on entry (the
 * ordering's truncated means, or factor_start's: on 1,000-model pools 6 and 3 steps instead of
 * 11 from 0, Botev's start, which plan_make falls back to); returns 1 when it converged,
 * ‖∇ψ‖∞ < 1e-5. Any tilt gives an unbiased estimator; at the saddle point the bound it minimises
 * is flat, so a tilt 1e-5 standard deviations off changes it by O(1e-10). */
static int solve_tilt(const double *Lt, const double *ut, size_t d, double *y) {
    size_t n = d - 1, n2 = 2 * n;
    double *g = malloc(n2 * sizeof *g), *step = malloc(n2 * sizeof *step);
    double *yt = malloc(n2 * sizeof *yt), *gt = malloc(n2 * sizeof *gt);
    double *x = malloc(d * sizeof *x), *mu = malloc(d * sizeof *mu), *P = malloc(d * sizeof *P),
           *dP = malloc(d * sizeof *dP), *v = malloc(n * sizeof *v);
    double *K = malloc(2 * n * n * sizeof *K), *S = malloc(n * n * sizeof *S), *J = NULL;
    lapack_int *ipiv = NULL;
    int ok = 0;
    if (!g || !step || !yt || !gt || !x || !mu || !P || !dP || !v || !K || !S)
        goto done;
    memcpy(y + n, y, n * sizeof *y);
    for (int it = 0; it < 100; it++) {
        psi_grad(Lt, ut, d, y, g, x, mu, P, dP);
        double gn = norm_inf(g, n2);
        if (!isfinite(gn))
            break;
        if (gn < 1e-5) {
            ok = 1;
            break;
        }
        if (newton_step(Lt, d, dP, g, K, S, v, &J, &ipiv, step) != 0)
            break;
        double t = 1;
        int accepted = 0;
        for (int ls = 0; ls < 40; ls++, t *= 0.5) {
            for (size_t i = 0; i < n2; i++)
                yt[i] = y[i] - t * step[i];
            psi_grad(Lt, ut, d, yt, gt, x, mu, P, dP);
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
    free(step);
    free(yt);
    free(gt);
    free(x);
    free(mu);
    free(P);
    free(dP);
    free(v);
    free(K);
    free(S);
    free(J);
    free(ipiv);
    return ok;
}

/* One form of the problem, ready to sample: variables ordered, L̃ and ũ scaled, tilt μ solved
 * (μ = 0 when Newton fails: plain separation of variables, still unbiased, higher variance),
 * lattice generators √prime. */
typedef struct {
    double *L, *u, *mu, *gen;
    size_t d;
} tilt_plan;

/* Lattice points from ..< to of one shift under one form (shift s uses stream s of the key);
 * log_sum: log of the sum of their weights. */
typedef struct {
    const tilt_plan *plan;
    size_t shift, from, to;
    double log_sum;
} tilt_task;

/* Points per task: shifts are cut into tasks of this many points so that a round's work spreads
 * evenly over the threads whatever the number of shifts. A shift's sum is the sum of its tasks'
 * sums in point order; tasks always start at a round's first point plus a multiple of this size,
 * so the result does not depend on the thread count. */
enum { TILT_TASK = 256 };

/* The most a round multiplies the points of every shift by (see cf_orthant_tilted_target). */
static const double TILT_GROWTH = 8;

typedef struct {
    tilt_task *tasks;
    size_t n, threads, dmax;
    uint64_t key;
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
CF_INLINE void tilt_row(const tilt_plan *j, size_t k, size_t i0, size_t np, double *c, double *zb, const double *sh,
                        double *logw) {
    double lps[TILT_BLOCK], zs[TILT_BLOCK];
    for (size_t p = 0; p < np; p++)
        c[p] = j->u[k] - j->mu[k] - c[p];
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
    tilt_job *job = arg;
    double *zb = malloc(job->dmax * TILT_BLOCK * sizeof *zb), *lw = malloc(TILT_TASK * sizeof *lw);
    double *sh = malloc(job->dmax * sizeof *sh);
    if (!zb || !lw || !sh) {
        free(zb);
        free(lw);
        free(sh);
        return;
    }
    for (size_t i = t; i < job->n; i += job->threads) {
        tilt_task *task = job->tasks + i;
        const tilt_plan *j = task->plan;
        size_t d = j->d;
        for (size_t k = 0; k + 1 < d; k += 2) {
            double u2[2];
            cf_rng_uniform2(job->key, task->shift, k >> 1, u2);
            sh[k] = u2[0];
            if (k + 1 < d)
                sh[k + 1] = u2[1];
        }
        double mx = -INFINITY;
        for (size_t i0 = task->from; i0 < task->to; i0 += TILT_BLOCK) {
            size_t np = task->to - i0 < TILT_BLOCK ? task->to - i0 : TILT_BLOCK;
            double logw[TILT_BLOCK] = {0};
            /* Rows k and k + 1 at once: their sums over a < k share every load of the block's
             * z; row k + 1 then adds its a = k term once z_k is known. */
            for (size_t k = 0; k < d; k += 2) {
                const double *row = j->L + k * d, *row1 = row + d;
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
                lw[i0 - task->from + p] = logw[p];
                if (logw[p] > mx)
                    mx = logw[p];
            }
        }
        double sum = 0;
        for (size_t p = 0; p < task->to - task->from; p++)
            sum += exp(lw[p] - mx);
        task->log_sum = mx + log(sum);
    }
    free(zb);
    free(lw);
    free(sh);
}

/* Mean and relative standard error of the shift means, given each shift's log sum ls[0 ..< n]
 * over its first `points` lattice points (kept in log space). */
static void tilt_combine(const double *ls, size_t n, size_t points, cf_estimate *out) {
    double mx = -INFINITY;
    for (size_t s = 0; s < n; s++)
        if (ls[s] > mx)
            mx = ls[s];
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
        mean += exp(ls[s] - mx);
    mean /= (double)n;
    for (size_t s = 0; s < n; s++) {
        double v = exp(ls[s] - mx) - mean;
        ss += v * v;
    }
    double sd_mean = cf_sqrt(ss / (double)(n - 1) / (double)n);
    out->log_val = mx + log(mean) - log((double)points);
    out->val = exp(out->log_val);
    out->rel_se = sd_mean / mean;
    out->se = out->rel_se * out->val;
}

/*
 * Factor-first form. When R's correlation is mostly common, most of the estimator's variance
 * comes from the common direction: every bound moves with a running mean of the z's, a function
 * of all the coordinates that randomised QMC cannot stratify. The form (F, Z) adds a standard
 * normal F with covariance c = α·R1/√(1ᵀR1) with Z (F = α·1ᵀZ/√(1ᵀR1) plus independent noise of
 * variance 1 − α²), unbounded and placed first: the first lattice coordinate, the best
 * stratified, then carries the common direction, and Z given F is nearly independent. P(Z <= τ)
 * is the same for every α in [0, 1] (R − ccᵀ stays positive semi-definite); α only moves
 * variance. α² = 1 − (1 − ρ̄)/(ρ̄d), ρ̄ the mean off-diagonal of R, leaves an equicorrelated R
 * a conditional correlation of order 1/d in that direction. The form is offered only when
 * α² >= 0.985 (ρ̄d >= 67(1 − ρ̄)): below that, on the pools tried (43 and 67 models) the plain form
 * was better, and the pilot batches that choose between the forms would be spent for nothing.
 * ta (d + 1 entries) holds R's row sums while the form is decided. Returns 1 with the
 * (d+1)-variable problem in *ra (allocated here, freed by the caller) and ta, 0 when the form is
 * not offered, or CF_ENOMEM.
 */
static int factor_first(const double *r, const double *tau, size_t d, double *ta, double **ra) {
    double *rs = ta + 1, total = 0;
    for (size_t i = 0; i < d; i++) {
        rs[i] = 0;
        for (size_t j = 0; j < d; j++)
            rs[i] += r[i * d + j];
        total += rs[i];
    }
    double mean = (total - (double)d) / ((double)d * (double)(d - 1));
    if (!(mean > 0))
        return 0;
    double a2 = 1 - (1 - mean) / (mean * (double)d);
    if (!(a2 >= 0.985))
        return 0;
    size_t da = d + 1;
    double *x = *ra = malloc(da * da * sizeof *x);
    if (!x)
        return CF_ENOMEM;
    double scale = cf_sqrt(a2 / total);
    x[0] = 1;
    ta[0] = INFINITY;
    for (size_t i = 0; i < d; i++) {
        double c = scale * rs[i];
        x[(i + 1) * da] = c;
        x[i + 1] = c;
        memcpy(x + (i + 1) * da + 1, r + i * d, d * sizeof *x);
        ta[i + 1] = tau[i];
    }
    return 1;
}

static void plan_free(tilt_plan *p) {
    free(p->L);
    free(p->u);
    free(p->mu);
    free(p->gen);
    memset(p, 0, sizeof *p);
}

/* Newton's start for the factor-first form: F at the mode of its density given every Z_k <= u_k,
 * the Z_k taken as independent given F (Newton on a concave function of one variable), then each
 * later variable at its truncated mean given those before, as the ordering's means but with F at
 * that mode instead of its mean 0 (on 1,000-model pools 3 Newton steps for the tilt instead of 8).
 * L (the unscaled factor, F first) and u as order_and_factor leaves them; writes x[0 ..< d − 1],
 * or leaves it when the mode is not found. */
static void factor_start(const double *L, const double *u, size_t d, double *x) {
    double f = 0;
    for (int it = 0; it < 50; it++) {
        double g1 = -f, g2 = -1;
        for (size_t k = 1; k < d; k++) {
            double c = L[k * d], s = cf_sqrt(fmax(1 - c * c, 1e-12)), t = (u[k] - c * f) / s;
            double lam = cf_norm_mills(t);
            g1 -= lam * c / s;
            g2 -= (c / s) * (c / s) * lam * (lam + t);
        }
        double step = g1 / g2;
        if (!isfinite(step))
            return;
        f -= step;
        if (fabs(step) < 1e-10)
            break;
    }
    x[0] = f;
    for (size_t k = 1; k + 1 < d; k++) {
        double m = 0;
        for (size_t j = 0; j < k; j++)
            m += L[k * d + j] * x[j];
        x[k] = -cf_norm_mills((u[k] - m) / L[k * d + k]);
    }
}

static int plan_make(const double *r, const double *tau, size_t d, size_t pinned, tilt_plan *p) {
    p->d = d;
    p->L = malloc(d * d * sizeof *p->L);
    p->u = malloc(d * sizeof *p->u);
    p->mu = calloc(d, sizeof *p->mu);
    p->gen = malloc(d * sizeof *p->gen);
    double *y = calloc(2 * (d - 1), sizeof *y);
    size_t *perm = malloc(d * sizeof *perm);
    int st = CF_OK;
    if (!p->L || !p->u || !p->mu || !p->gen || !y || !perm) {
        st = CF_ENOMEM;
        goto done;
    }
    double *L = p->L, *u = p->u;
    st = order_and_factor(r, tau, d, pinned, L, u, perm, y);
    if (st != CF_OK)
        goto done;
    if (pinned == 1)
        factor_start(L, u, d, y);
    /* scale rows to a unit diagonal, then zero it: Z_k = L̃_k·z + z_k */
    for (size_t k = 0; k < d; k++) {
        double dk = L[k * d + k];
        for (size_t j = 0; j < k; j++)
            L[k * d + j] /= dk;
        L[k * d + k] = 0;
        u[k] /= dk;
    }
    int tilted = solve_tilt(L, u, d, y);
    if (!tilted) { /* the start Botev uses: 0 */
        memset(y, 0, 2 * (d - 1) * sizeof *y);
        tilted = solve_tilt(L, u, d, y);
    }
    if (tilted)
        for (size_t k = 0; k + 1 < d; k++)
            p->mu[k] = y[d - 1 + k];
    for (size_t k = 0, q = 2; k < d; q++) {
        int prime = 1;
        for (size_t f = 2; f * f <= q; f++)
            if (q % f == 0) {
                prime = 0;
                break;
            }
        if (prime)
            p->gen[k++] = cf_sqrt((double)q);
    }
done:
    free(y);
    free(perm);
    if (st != CF_OK)
        plan_free(p);
    return st;
}

/* plan_make of jobs[t] on thread t */
typedef struct {
    const double *r, *tau;
    size_t d, pinned;
    tilt_plan *plan;
    int status;
} plan_job;

static void plan_worker(void *arg, size_t t) {
    plan_job *j = (plan_job *)arg + t;
    j->status = plan_make(j->r, j->tau, j->d, j->pinned, j->plan);
}

/* A round: points from ..< to of shifts first ..< last under each of the n plans, added to their
 * log sums ls[f][s] (set by a shift's first task), in one parallel run. */
static int tilt_round(const tilt_plan *const *plans, double *const *ls, size_t n, uint64_t key, size_t from, size_t to,
                      size_t first, size_t last, size_t threads) {
    size_t per = (to - from + TILT_TASK - 1) / TILT_TASK, count = n * (last - first) * per, dmax = 0;
    tilt_task *tasks = malloc(count * sizeof *tasks);
    if (!tasks)
        return CF_ENOMEM;
    size_t i = 0;
    for (size_t f = 0; f < n; f++) {
        if (plans[f]->d > dmax)
            dmax = plans[f]->d;
        for (size_t s = first; s < last; s++)
            for (size_t c = 0; c < per; c++) {
                size_t a = from + c * TILT_TASK, b = a + TILT_TASK < to ? a + TILT_TASK : to;
                tasks[i++] = (tilt_task){plans[f], s, a, b, NAN};
            }
    }
    tilt_job job = {tasks, count, threads, dmax, key};
    int st = cf_parallel(threads, tilt_worker, &job);
    for (size_t t = 0; t < count && st == CF_OK; t++) {
        tilt_task *k = tasks + t;
        if (isnan(k->log_sum)) {
            st = CF_ENOMEM;
            break;
        }
        double *acc = ls[(t / per) / (last - first)] + k->shift;
        double a = k->from == 0 ? -INFINITY : *acc, b = k->log_sum, hi = a > b ? a : b;
        *acc = hi == -INFINITY ? hi : hi + log1p(exp((a > b ? b : a) - hi));
    }
    free(tasks);
    return st;
}

int cf_orthant_tilted_target(const double *r, const double *tau, size_t d, uint64_t key, size_t points, size_t shifts,
                             double rel_target, size_t max_points, size_t threads, cf_estimate *out) {
    if (!out)
        return CF_EINVAL;
    int st = check_inputs(r, tau, d);
    if (st != CF_OK)
        return st;
    if (points == 0 || shifts < 2 || max_points < points * shifts)
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
    tilt_plan plan = {0}, factor = {0};
    double *ra = NULL, *ta = malloc((d + 1) * sizeof *ta);
    double *ls = malloc(shifts * sizeof *ls), *lf = malloc(shifts * sizeof *lf);
    if (!ta || !ls || !lf) {
        st = CF_ENOMEM;
        goto done;
    }
    /* With a factor-first form available, a pilot of each form decides which one the estimate
     * uses (the variance ratio between them ran from 1/100 to 70 on the matrices tried). The two
     * forms are set up side by side. */
    int two = factor_first(r, tau, d, ta, &ra);
    if (two < 0) {
        st = two;
        goto done;
    }
    plan_job jobs[2] = {{r, tau, d, 0, &plan, CF_OK}, {ra, ta, d + 1, 1, &factor, CF_OK}};
    if (two && threads > 1) {
        st = cf_parallel(2, plan_worker, jobs);
    } else {
        for (size_t t = 0; t < (size_t)(1 + two); t++)
            plan_worker(jobs, t);
    }
    if (st == CF_OK)
        st = jobs[0].status != CF_OK ? jobs[0].status : jobs[1].status;
    if (st != CF_OK)
        goto done;
    /* The pilots are the estimate's first shifts (half of them, at least 2) under each form, at
     * the estimate's points: the forms converge at different rates in the points (the plain
     * form's lattice gains more from them on small pools), so fewer points can pick the wrong
     * form. The winner has the smaller spread of shift means, not relative spread: for shift
     * means near normal their spread is independent of their mean, so keeping the winner's
     * pilot shifts in the estimate leaves it unbiased; the loser's are dropped. The pilot stops
     * after 3 shifts of each form when one form's spread is already 5 times the other's (a
     * variance ratio of 25; on 1,000-model pools it is 50–100): were the form it picks in truth
     * k times the worse in variance, that would happen with probability P(F(2, 2) >= 25k) =
     * 1/(1 + 25k), so the early stop costs less than 1/25 of the points in expectation and saves
     * the loser 2 of its 5 shifts. */
    size_t pilot = 0;
    if (two) {
        size_t full = shifts / 2 > 2 ? shifts / 2 : 2;
        pilot = full < 3 ? full : 3;
        cf_estimate ep, ef;
        const tilt_plan *both[2] = {&plan, &factor};
        double *sums[2] = {ls, lf};
        st = tilt_round(both, sums, 2, key, 0, points, 0, pilot, threads);
        if (st != CF_OK)
            goto done;
        tilt_combine(ls, pilot, points, &ep);
        tilt_combine(lf, pilot, points, &ef);
        if (!(ep.se >= 5 * ef.se || ef.se >= 5 * ep.se) && pilot < full) {
            st = tilt_round(both, sums, 2, key, 0, points, pilot, full, threads);
            if (st != CF_OK)
                goto done;
            pilot = full;
            tilt_combine(ls, pilot, points, &ep);
            tilt_combine(lf, pilot, points, &ef);
        }
        if (ef.se < ep.se) {
            tilt_plan t = plan;
            plan = factor;
            factor = t;
            memcpy(ls, lf, pilot * sizeof *ls);
        }
    }
    /* Then every shift's lattice is extended (the rank-1 lattice is extensible: its first n points
     * are those of any longer run) until the relative standard error meets the target or the cap
     * of max_points / shifts per shift is reached, each time to as many points as the spread so
     * far says the target needs at the Monte Carlo rate, n·(rel_se/target)², but at most
     * TILT_GROWTH times as many. The lattice usually converges faster than that rate, so a round
     * usually meets the target, and the growth limit lets a far target be approached in steps
     * that measure the lattice's own rate (on a 67-model pool at 1e-3: 10,592 points a shift
     * instead of 25,008). A round that falls short costs only the next round's start. Rounded up to whole
     * blocks, at least one more. The result is a function of the shifts' sums alone, whatever the
     * thread count. */
    size_t cap = max_points / shifts, have = points;
    const tilt_plan *use[1] = {&plan};
    double *sums[1] = {ls};
    st = tilt_round(use, sums, 1, key, 0, points, pilot, shifts, threads);
    if (st != CF_OK)
        goto done;
    tilt_combine(ls, shifts, have, out);
    while (out->rel_se > rel_target && have < cap) {
        double ratio = out->rel_se / rel_target, want = (double)have * fmin(ratio * ratio, TILT_GROWTH);
        size_t next = want < (double)cap ? (size_t)ceil(want / TILT_BLOCK) * TILT_BLOCK : cap;
        if (next <= have)
            next = have + TILT_BLOCK;
        if (next > cap)
            next = cap;
        st = tilt_round(use, sums, 1, key, have, next, 0, shifts, threads);
        if (st != CF_OK)
            goto done;
        have = next;
        tilt_combine(ls, shifts, have, out);
    }
done:
    plan_free(&plan);
    plan_free(&factor);
    free(ra);
    free(ta);
    free(ls);
    free(lf);
    return st;
}

int cf_orthant_tilted(const double *r, const double *tau, size_t d, uint64_t key, size_t points, size_t shifts,
                      size_t threads, cf_estimate *out) {
    return cf_orthant_tilted_target(r, tau, d, key, points, shifts, 0, points * shifts, threads, out);
}
