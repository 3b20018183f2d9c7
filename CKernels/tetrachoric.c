/* Two-step ML tetrachoric correlation with psych's zero-cell rule (METHODS §2). */
#include "cf_tetrachoric.h"
#include "cf_bvn.h"
#include "internal.h"
#include <stdlib.h>
#include <string.h>

/* Score of the 2x2 likelihood in P11 with fixed margins; strictly decreasing on (lo, hi). */
typedef struct {
    double c11, c10, c01, c00, pi, pj;
} score_ctx;

static double score(double p, void *ctx) {
    score_ctx *s = ctx;
    return s->c11 / p - s->c10 / (s->pi - p) - s->c01 / (s->pj - p) + s->c00 / (1 - s->pi - s->pj + p);
}

static double ml_p11(double c11, double c10, double c01, double c00, double pi, double pj) {
    score_ctx s = {c11, c10, c01, c00, pi, pj};
    double lo = fmax(0, pi + pj - 1), hi = fmin(pi, pj);
    /* The score tends to +inf at lo and -inf at hi (all corrected cells are positive). */
    double a = lo + (hi - lo) * 1e-13, b = hi - (hi - lo) * 1e-13;
    double fa = score(a, &s), fb = score(b, &s);
    double root;
    for (int guard = 0; guard < 30 && fb > 0; guard++) {
        b = hi - (hi - b) * 0.125;
        fb = score(b, &s);
    }
    for (int guard = 0; guard < 30 && fa < 0; guard++) {
        a = lo + (a - lo) * 0.125;
        fa = score(a, &s);
    }
    if (cf_brent(score, &s, a, b, fa, fb, 1e-17, 300, &root) != CF_OK)
        root = 0.5 * (a + b);
    return root;
}

/* One margin's threshold τ = Φ⁻¹(e/n) and Φ(τ), computed once per model by the matrix kernels. */
typedef struct {
    double tau, cdf;
} margin;

static margin margin_of(double e, double n) {
    margin g = {NAN, NAN};
    if (e > 0 && e < n) {
        g.tau = cf_norm_quantile(e / n);
        g.cdf = cf_norm_cdf(g.tau);
    }
    return g;
}

/* Every model's margin from the Gram diagonal (caller frees; NULL when out of memory). */
static margin *margins_of(const int64_t *gram, size_t m, int64_t n) {
    margin *g = malloc(m * sizeof *g);
    if (g)
        for (size_t i = 0; i < m; i++)
            g[i] = margin_of((double)gram[i * m + i], (double)n);
    return g;
}

/* The P11 the root must reproduce: n11/n, or with a zero cell and correction the ML P11 of
 * the corrected table (flag CF_PAIR_CORRECTED). Without correction a zero cell has no root:
 * *target is NaN and *r_fixed holds ±1. Returns the pair's flag. */
static int pair_target(double n11, double n10, double n01, double n00, int correct, double pi, double pj,
                       double *target, double *r_fixed) {
    double n = n11 + n10 + n01 + n00;
    *target = NAN;
    if (n11 > 0 && n10 > 0 && n01 > 0 && n00 > 0) {
        *target = n11 / n;
        return CF_PAIR_OK;
    }
    if (!correct) {
        *r_fixed = (n10 == 0 || n01 == 0) ? 1.0 : -1.0;
        return CF_PAIR_OK;
    }
    double c11 = n11 > 0 ? n11 : 0.5, c10 = n10 > 0 ? n10 : 0.5;
    double c01 = n01 > 0 ? n01 : 0.5, c00 = n00 > 0 ? n00 : 0.5;
    *target = ml_p11(c11, c10, c01, c00, pi, pj);
    return CF_PAIR_CORRECTED;
}

/* Theta's warm start at a resample (h, k, target): the full-sample root moved by the
 * third-order Taylor polynomial of cf_tetra_warm (the second-order one where the cubic term is
 * larger than the quadratic); NaN when the pair has none (theta NaN). */
CF_INLINE double warm_theta(const cf_tetra_warm *w, double h, double k, double target) {
    double dh = h - w->h, dk = k - w->k, dp = target - w->p;
    const double *q = w->d2theta, *c = w->d3theta;
    double second =
        0.5 * (q[0] * dh * dh + q[2] * dk * dk + q[5] * dp * dp) + q[1] * dh * dk + q[3] * dh * dp + q[4] * dk * dp;
    double third = (c[0] * dh * dh * dh + c[3] * dk * dk * dk + c[9] * dp * dp * dp) / 6 +
                   0.5 * (c[1] * dh * dh * dk + c[2] * dh * dk * dk + c[4] * dh * dh * dp + c[6] * dk * dk * dp +
                          c[7] * dh * dp * dp + c[8] * dk * dp * dp) +
                   c[5] * dh * dk * dp;
    /* the cubic term only while the series still falls: far out a resample's cubic can overshoot */
    return w->theta + w->dtheta_dh * dh + w->dtheta_dk * dk + w->dtheta_dp * dp + second +
           (fabs(third) <= fabs(second) ? third : 0);
}

/* A pair's root problem: Φ₂(h, k; r) = target, d = target − Φ(h)Φ(k), theta a start angle. */
typedef struct {
    double h, k, target, d, theta, pmin; /* pmin = min(p_i, p_j): the boundary of an unattainable target */
} pair_problem;

/* The problem of a pair with margins gi, gj (error rates pi, pj), its target and start angle. */
CF_INLINE pair_problem pair_problem_of(margin gi, margin gj, double pi, double pj, double target, double theta) {
    return (pair_problem){gi.tau, gj.tau, target, target - gi.cdf * gj.cdf, theta, fmin(pi, pj)};
}

/* Everything of a pair but its root: returns 1 when *prob needs solving, 0 when *out is final. */
static int pair_prepare(double n11, double n10, double n01, double n00, margin gi, margin gj, int correct,
                        const cf_tetra_warm *warm, cf_pair_stat *out, pair_problem *prob) {
    out->r = NAN;
    out->phi = NAN;
    out->tau_i = NAN;
    out->tau_j = NAN;
    double n = n11 + n10 + n01 + n00;
    if (!(n > 0)) {
        out->flag = CF_PAIR_EMPTY;
        return 0;
    }
    double ei = n11 + n10, ej = n11 + n01;
    if (ei == 0 || ej == 0) {
        out->flag = CF_PAIR_NEVER_WRONG;
        return 0;
    }
    if (ei == n || ej == n) {
        out->flag = CF_PAIR_ALWAYS_WRONG;
        return 0;
    }
    double pi = ei / n, pj = ej / n;
    out->tau_i = gi.tau;
    out->tau_j = gj.tau;
    out->phi = (n11 * n00 - n10 * n01) / cf_sqrt(ei * (n01 + n00) * ej * (n10 + n00));
    double target;
    out->flag = pair_target(n11, n10, n01, n00, correct, pi, pj, &target, &out->r);
    if (isnan(target))
        return 0;
    *prob = pair_problem_of(gi, gj, pi, pj, target, warm ? warm_theta(warm, gi.tau, gj.tau, target) : NAN);
    return 1;
}

/* The pair's root from the solver's status. */
static void pair_finish(const pair_problem *prob, int st, double r, cf_pair_stat *out) {
    if (st == CF_EDOM) {
        /* The target lies outside the attainable range [Φ₂(τ_i, τ_j; −1), Φ₂(τ_i, τ_j; 1)]:
         * reachable only through rounding at its boundary, so r is the boundary itself. */
        r = prob->target >= prob->pmin ? 1.0 : -1.0;
        out->flag = CF_PAIR_BOUNDARY;
    } else if (st != CF_OK) {
        r = NAN;
        out->flag = CF_PAIR_UNCONVERGED;
    }
    out->r = r;
}

int cf_tetrachoric_pair(double n11, double n10, double n01, double n00, int correct, double r_start,
                        cf_pair_stat *out) {
    if (!out)
        return CF_EINVAL;
    if (!(n11 >= 0 && n10 >= 0 && n01 >= 0 && n00 >= 0))
        return CF_EDOM;
    double n = n11 + n10 + n01 + n00;
    cf_tetra_warm w = {.theta = isfinite(r_start) && fabs(r_start) < 1 ? asin(r_start) : NAN};
    pair_problem prob;
    if (pair_prepare(n11, n10, n01, n00, margin_of(n11 + n10, n), margin_of(n11 + n01, n), correct, &w, out, &prob)) {
        double r = NAN;
        int st = cf_bvn_solve_r_margins(prob.h, prob.k, prob.target, prob.d, prob.theta, &r);
        pair_finish(&prob, st, r, out);
    }
    return CF_OK;
}

enum { TETRA_CHUNK = 1024 };

typedef struct {
    const int64_t *gram;
    size_t m, threads;
    int64_t n;
    int correct;
    const cf_tetra_warm *warm;
    double root_tol;
    double *r, *phi;
    int *flags;
    const margin *margins;
    int *status; /* per thread: CF_OK or CF_ENOMEM */
} tetra_job;

/* A thread's gathered root problems, as arrays the solver takes: problem i is pair (a, b) at
 * where[i] = a·m + b. */
typedef struct {
    size_t where[TETRA_CHUNK];
    double h[TETRA_CHUNK], k[TETRA_CHUNK], p[TETRA_CHUNK], d[TETRA_CHUNK], theta[TETRA_CHUNK], pmin[TETRA_CHUNK];
    double r[TETRA_CHUNK];
    int st[TETRA_CHUNK];
    size_t cnt;
} tetra_chunk;

static void chunk_add(tetra_chunk *c, const pair_problem *prob, size_t where) {
    size_t i = c->cnt++;
    c->where[i] = where;
    c->h[i] = prob->h;
    c->k[i] = prob->k;
    c->p[i] = prob->target;
    c->d[i] = prob->d;
    c->theta[i] = prob->theta;
    c->pmin[i] = prob->pmin;
}

/* Solves the chunk's problems together (the solver vectorises across them) and stores the roots. */
static int tetra_flush(tetra_job *j, tetra_chunk *c) {
    size_t m = j->m;
    int st = cf_bvn_solve_r_batch(c->h, c->k, c->p, c->d, c->theta, c->cnt, j->root_tol, c->r, c->st);
    for (size_t i = 0; i < c->cnt && st == CF_OK; i++) {
        size_t ab = c->where[i], ba = (ab % m) * m + ab / m;
        cf_pair_stat s = {.r = NAN, .flag = j->flags[ab]};
        pair_problem prob = {c->h[i], c->k[i], c->p[i], c->d[i], c->theta[i], c->pmin[i]};
        pair_finish(&prob, c->st[i], c->r[i], &s);
        j->r[ab] = j->r[ba] = s.r;
        j->flags[ab] = j->flags[ba] = s.flag;
    }
    c->cnt = 0;
    return st;
}

/* One thread's pairs: (a, b) with a ≡ t mod threads. A row's pairs whose four cells are all
 * positive (nearly all of them) take one loop without branches for φ, the target and the warm
 * start, which the compiler vectorises; the others go through pair_prepare. */
CF_SIMD_CLONES
static void tetra_worker(void *arg, size_t t) {
    tetra_job *j = arg;
    size_t m = j->m;
    /* one allocation: the chunk, then four rows of m (the chunk's size is a multiple of 8) */
    tetra_chunk *c = malloc(sizeof *c + 4 * m * sizeof(double));
    if (!c) {
        j->status[t] = CF_ENOMEM;
        return;
    }
    double *phi = (double *)(c + 1), *target = phi + m, *theta = phi + 2 * m, *inside = phi + 3 * m;
    double dn = (double)j->n;
    c->cnt = 0;
    int st = CF_OK;
    for (size_t a = t; a < m && st == CF_OK; a += j->threads) {
        double ea = (double)j->gram[a * m + a], ha = j->margins[a].tau;
        const int64_t *ga = j->gram + a * m;
        const cf_tetra_warm *wa = j->warm ? j->warm + a * m : NULL;
#pragma clang loop vectorize(assume_safety)
        for (size_t b = a + 1; b < m; b++) {
            double n11 = (double)ga[b], eb = (double)j->gram[b * m + b];
            double n10 = ea - n11, n01 = eb - n11, n00 = dn - ea - eb + n11;
            inside[b] = n11 > 0 && n10 > 0 && n01 > 0 && n00 > 0 ? 1 : 0;
            phi[b] = (n11 * n00 - n10 * n01) / cf_sqrt(ea * (n01 + n00) * eb * (n10 + n00));
            target[b] = n11 / dn;
            theta[b] = wa ? warm_theta(wa + b, ha, j->margins[b].tau, target[b]) : NAN;
        }
        for (size_t b = a + 1; b < m && st == CF_OK; b++) {
            size_t ab = a * m + b, ba = b * m + a;
            if (inside[b] == 1) {
                pair_problem prob = pair_problem_of(j->margins[a], j->margins[b], ea / dn,
                                                    (double)j->gram[b * m + b] / dn, target[b], theta[b]);
                chunk_add(c, &prob, ab);
                j->r[ab] = j->r[ba] = NAN;
                j->phi[ab] = j->phi[ba] = phi[b];
                j->flags[ab] = j->flags[ba] = CF_PAIR_OK;
            } else {
                int64_t n11 = ga[b], eb = j->gram[b * m + b];
                cf_pair_stat s;
                pair_problem prob;
                if (pair_prepare((double)n11, ea - (double)n11, (double)(eb - n11), dn - ea - (double)eb + (double)n11,
                                 j->margins[a], j->margins[b], j->correct, wa ? wa + b : NULL, &s, &prob))
                    chunk_add(c, &prob, ab);
                j->r[ab] = j->r[ba] = s.r;
                j->phi[ab] = j->phi[ba] = s.phi;
                j->flags[ab] = j->flags[ba] = s.flag;
            }
            if (c->cnt == TETRA_CHUNK)
                st = tetra_flush(j, c);
        }
    }
    if (st == CF_OK && c->cnt > 0)
        st = tetra_flush(j, c);
    j->status[t] = st;
    free(c);
}

/* Gram entries must be consistent counts over n queries. */
static int check_gram(const int64_t *gram, size_t m, int64_t n) {
    if (n <= 0)
        return CF_EDOM;
    for (size_t a = 0; a < m; a++) {
        int64_t e = gram[a * m + a];
        if (e < 0 || e > n)
            return CF_EDOM;
        for (size_t b = a + 1; b < m; b++) {
            int64_t n11 = gram[a * m + b];
            if (n11 < 0 || n11 > e || n11 > gram[b * m + b] || e + gram[b * m + b] - n11 > n)
                return CF_EDOM;
        }
    }
    return CF_OK;
}

/* θ = asin r solves F(θ, h, k) = Φ₂(h, k; sin θ) = p. With s = cos θ = om and φ₂ = dens:
 *   F_θ = φ₂ s,  F_h = φ(h)Φ((k − rh)/s),  F_k = φ(k)Φ((h − rk)/s),
 *   F_hh = −h F_h − r φ₂,  F_kk = −k F_k − r φ₂,  F_hk = φ₂,
 *   F_hθ = φ₂ (rk − h)/s,  F_kθ = φ₂ (rh − k)/s,  F_θθ = φ₂ (hk(1 + r²) − r(h² + k²))/s²,
 * and the implicit function theorem gives θ_x = −F_x/F_θ (θ_p = 1/F_θ) and
 *   θ_xy = −(F_xy + F_xθ θ_y + F_yθ θ_x + F_θθ θ_x θ_y)/F_θ  (p enters F − p linearly). */
static cf_tetra_warm warm_expansion(double h, double k, double r, double target, double s, double dens) {
    double fh = exp(-0.5 * h * h) / CF_SQRT2PI * cf_norm_cdf((k - r * h) / s);
    double fk = exp(-0.5 * k * k) / CF_SQRT2PI * cf_norm_cdf((h - r * k) / s);
    double ft = dens * s, fhh = -h * fh - r * dens, fkk = -k * fk - r * dens, fhk = dens;
    double fht = dens * (r * k - h) / s, fkt = dens * (r * h - k) / s;
    double ftt = dens * (h * k * (1 + r * r) - r * (h * h + k * k)) / (s * s);
    double th = -fh / ft, tk = -fk / ft, tp = 1 / ft;
    cf_tetra_warm w = {asin(r), h, k, target, th, tk, tp, {0, 0, 0, 0, 0, 0}};
    w.d2theta[0] = -(fhh + 2 * fht * th + ftt * th * th) / ft;
    w.d2theta[1] = -(fhk + fht * tk + fkt * th + ftt * th * tk) / ft;
    w.d2theta[2] = -(fkk + 2 * fkt * tk + ftt * tk * tk) / ft;
    w.d2theta[3] = -(fht * tp + ftt * th * tp) / ft;
    w.d2theta[4] = -(fkt * tp + ftt * tk * tp) / ft;
    w.d2theta[5] = -(ftt * tp * tp) / ft;
    return w;
}

/* The expansion at (h, k, target) with root r, |r| < 0.925; theta NaN when its density vanishes. */
static cf_tetra_warm warm_at(double h, double k, double rr, double target) {
    cf_tetra_warm w = {.theta = NAN};
    double om = cf_sqrt((1 - rr) * (1 + rr));
    double dens = exp(-0.5 * (h * h - 2 * rr * h * k + k * k) / (om * om)) / (2 * M_PI * om);
    if (dens > 0)
        w = warm_expansion(h, k, rr, target, om, dens);
    return w;
}

/* The second derivatives of θ at (h, k, p) moved by `step` in coordinate `axis` (0: h, 1: k,
 * 2: p), from the root solved there to full precision; 0 when it is not found inside
 * |r| < 0.925. */
static int second_moved(const cf_tetra_warm *w, int axis, double step, double *q) {
    double h = w->h + (axis == 0 ? step : 0), k = w->k + (axis == 1 ? step : 0), p = w->p + (axis == 2 ? step : 0);
    double r;
    int st = cf_bvn_solve_r_margins(h, k, p, p - cf_norm_cdf(h) * cf_norm_cdf(k), w->theta, &r);
    if (st != CF_OK || !(fabs(r) < 0.925))
        return 0;
    cf_tetra_warm m = warm_at(h, k, r, p);
    if (isnan(m.theta))
        return 0;
    memcpy(q, m.d2theta, sizeof m.d2theta);
    return 1;
}

/* The third derivatives of θ by central differences of the second ones (hh, hk, kk, hp, kp, pp):
 * hhh, hhk, kkh, kkk from θ_hh and θ_kk along h and k; every one with a p along p (θ_hh, θ_hk,
 * θ_kk, θ_hp, θ_kp, θ_pp). Each step moves θ by about 1e-4 (1e-4/max(1, |θ_x|) in coordinate x: p
 * moves θ 7–13 times as fast as h and k on the tables tried), which keeps the truncation error
 * near 1e-9 of the fourth derivatives and the roots' rounding, 1e-15 over the step, far below
 * what a start needs (against mpmath's derivatives of the root: within 1e-6; KernelGoldenTests).
 * Left at 0 when a moved root is not found. */
static void warm_third(cf_tetra_warm *w) {
    const double first[3] = {w->dtheta_dh, w->dtheta_dk, w->dtheta_dp};
    double q[3][2][6], eps[3];
    for (int axis = 0; axis < 3; axis++) {
        eps[axis] = 1e-4 / fmax(1, fabs(first[axis]));
        for (int side = 0; side < 2; side++)
            if (!second_moved(w, axis, side ? eps[axis] : -eps[axis], q[axis][side]))
                return;
    }
    double d[3][6];
    for (int axis = 0; axis < 3; axis++)
        for (int i = 0; i < 6; i++)
            d[axis][i] = (q[axis][1][i] - q[axis][0][i]) / (2 * eps[axis]);
    /* d[axis][i]: ∂(second derivative i)/∂(axis); i: 0 hh, 1 hk, 2 kk, 3 hp, 4 kp, 5 pp */
    double *c = w->d3theta;
    c[0] = d[0][0]; /* hhh */
    c[1] = d[1][0]; /* hhk */
    c[2] = d[0][2]; /* hkk */
    c[3] = d[1][2]; /* kkk */
    c[4] = d[2][0]; /* hhp */
    c[5] = d[2][1]; /* hkp */
    c[6] = d[2][2]; /* kkp */
    c[7] = d[2][3]; /* hpp */
    c[8] = d[2][4]; /* kpp */
    c[9] = d[2][5]; /* ppp */
}

int cf_tetrachoric_warm(const int64_t *gram, size_t m, int64_t n, int correct, const double *r, cf_tetra_warm *warm) {
    if (!gram || !r || !warm || m == 0)
        return CF_EINVAL;
    int st = check_gram(gram, m, n);
    if (st != CF_OK)
        return st;
    margin *g = margins_of(gram, m, n);
    if (!g)
        return CF_ENOMEM;
    double dn = (double)n;
    for (size_t a = 0; a < m; a++) {
        warm[a * m + a] = (cf_tetra_warm){.theta = NAN};
        for (size_t b = a + 1; b < m; b++) {
            int64_t n11 = gram[a * m + b], ea = gram[a * m + a], eb = gram[b * m + b];
            cf_tetra_warm w = {.theta = NAN};
            double rr = r[a * m + b], h = g[a].tau, k = g[b].tau, target = NAN, fixed;
            if (isfinite(h) && isfinite(k))
                pair_target((double)n11, (double)(ea - n11), (double)(eb - n11), (double)(n - ea - eb + n11), correct,
                            ea / dn, eb / dn, &target, &fixed);
            if (isfinite(target) && isfinite(rr) && fabs(rr) < 0.925)
                w = warm_at(h, k, rr, target);
            if (!isnan(w.theta))
                warm_third(&w);
            warm[a * m + b] = warm[b * m + a] = w;
        }
    }
    free(g);
    return CF_OK;
}

int cf_tetrachoric_matrix(const int64_t *gram, size_t m, int64_t n, int correct, const cf_tetra_warm *warm,
                          double root_tol, size_t threads, double *r, double *phi, int *flags) {
    if (!gram || !r || !phi || !flags || m == 0 || !(root_tol >= 0))
        return CF_EINVAL;
    int st = check_gram(gram, m, n);
    if (st != CF_OK)
        return st;
    for (size_t i = 0; i < m; i++) {
        int64_t e = gram[i * m + i];
        int f = e == 0 ? CF_PAIR_NEVER_WRONG : (e == n ? CF_PAIR_ALWAYS_WRONG : CF_PAIR_OK);
        r[i * m + i] = phi[i * m + i] = f == CF_PAIR_OK ? 1.0 : NAN;
        flags[i * m + i] = f;
    }
    margin *margins = margins_of(gram, m, n);
    if (!margins)
        return CF_ENOMEM;
    if (threads < 1)
        threads = 1;
    if (threads > m)
        threads = m;
    int *status = calloc(threads, sizeof *status);
    if (!status) {
        free(margins);
        return CF_ENOMEM;
    }
    tetra_job job = {gram, m, threads, n, correct, warm, root_tol, r, phi, flags, margins, status};
    st = cf_parallel(threads, tetra_worker, &job);
    for (size_t t = 0; t < threads && st == CF_OK; t++)
        st = status[t];
    free(status);
    free(margins);
    return st;
}
