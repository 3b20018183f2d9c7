/* Eigen diagnostics and the nearest correlation matrix (METHODS §4). */
#include "cf_ncm.h"
#include "internal.h"
#include <cblas.h>
#include <lapacke.h>
#include <stdlib.h>
#include <string.h>

int cf_ncm_eigen_sym(const double *a, size_t n, double *w, double *z) {
    if (!a || !w || n == 0)
        return CF_EINVAL;
    double *work = malloc(n * n * sizeof *work);
    lapack_int *isuppz = malloc(2 * n * sizeof *isuppz);
    if (!work || !isuppz) {
        free(work);
        free(isuppz);
        return CF_ENOMEM;
    }
    memcpy(work, a, n * n * sizeof *work);
    lapack_int found = 0, info;
    /* values only: dsyevd's QR path (dsterf) takes two thirds of dsyevr's time */
    if (!z)
        info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'N', 'L', (lapack_int)n, work, (lapack_int)n,
                              w); /* symmetric: no transpose */
    else
        info = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'V', 'A', 'L', (lapack_int)n, work, (lapack_int)n, 0, 0, 0, 0, 0,
                              &found, w, z, (lapack_int)n, isuppz);
    free(work);
    free(isuppz);
    return info == 0 ? CF_OK : CF_ELAPACK;
}

/* Workspaces of the MRRR eigensolvers (?syevr), sized by LAPACK's documented minimum (lwork =
 * 26n, liwork = 10n) and allocated once per projection: z holds the eigenvectors found, and
 * the single-precision path its own copies of the matrix and vectors. */
typedef struct {
    double *dwork, *z;
    float *swork, *single, *zf, *wf;
    lapack_int *iwork, *isuppz;
    lapack_int lwork, liwork;
} eig_ws;

static int eig_ws_alloc(eig_ws *ws, size_t n) {
    memset(ws, 0, sizeof *ws);
    ws->lwork = (lapack_int)(26 * n);
    ws->liwork = (lapack_int)(10 * n);
    ws->dwork = malloc((size_t)ws->lwork * sizeof *ws->dwork);
    ws->z = malloc(n * n * sizeof *ws->z);
    ws->swork = malloc((size_t)ws->lwork * sizeof *ws->swork);
    ws->single = malloc(n * n * sizeof *ws->single);
    ws->zf = malloc(n * n * sizeof *ws->zf);
    ws->wf = malloc(n * sizeof *ws->wf);
    ws->iwork = malloc((size_t)ws->liwork * sizeof *ws->iwork);
    ws->isuppz = malloc(2 * n * sizeof *ws->isuppz);
    if (!ws->dwork || !ws->z || !ws->swork || !ws->single || !ws->zf || !ws->wf || !ws->iwork || !ws->isuppz)
        return CF_ENOMEM;
    return CF_OK;
}

static void eig_ws_free(eig_ws *ws) {
    free(ws->dwork);
    free(ws->z);
    free(ws->swork);
    free(ws->single);
    free(ws->zf);
    free(ws->wf);
    free(ws->iwork);
    free(ws->isuppz);
}

/* A bound below every eigenvalue of the symmetric a: −(largest absolute row sum) − 1 (Gershgorin),
 * the lower end of the value ranges given to ?syevr. */
static double eig_lower_bound(const double *a, size_t n) {
    double m = 0;
    for (size_t i = 0; i < n; i++) {
        double rs = 0;
        for (size_t j = 0; j < n; j++)
            rs += fabs(a[i * n + j]);
        m = fmax(m, rs);
    }
    return -m - 1;
}

/* x += Σ_j c_j z_j z_jᵀ over the m columns z_j of z (column-major n x m, scaled in place by
 * √c_j), c_j >= 0: one dsyrk into the lower triangle, then mirrored (x is symmetric and
 * row-major, so column-major lower is row-major upper). */
static void add_outer(double *x, size_t n, double *z, const double *c, size_t m) {
    if (m == 0)
        return;
    for (size_t j = 0; j < m; j++) {
        double sc = cf_sqrt(fmax(c[j], 0));
        for (size_t i = 0; i < n; i++)
            z[j * n + i] *= sc;
    }
    cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, (blasint)n, (blasint)m, 1.0, z, (blasint)n, 1.0, x,
                (blasint)n);
    for (size_t j = 0; j < n; j++)
        for (size_t i = j + 1; i < n; i++)
            x[i * n + j] = x[j * n + i];
}

/* The negative eigenpairs of a (n x n symmetric, destroyed) with dsyevr (ssyevr when
 * `single`), the only ones the projection uses: ascending values in w[0 ..< *neg], column j of
 * ws->z (column-major, z[j*n + i]) the vector of w[j]. Reducing to tridiagonal form is then
 * most of the cost, about a third of a full divide-and-conquer decomposition. The early
 * iterations of the projection only need the direction of the step, which single precision
 * gives at half the cost. */
static int eig_negative(double *a, size_t n, double *w, size_t *neg, int single, eig_ws *ws) {
    double lower = eig_lower_bound(a, n);
    lapack_int info, found = 0, ln = (lapack_int)n;
    if (single) {
        for (size_t i = 0; i < n * n; i++)
            ws->single[i] = (float)a[i];
        info = LAPACKE_ssyevr_work(LAPACK_COL_MAJOR, 'V', 'V', 'L', ln, ws->single, ln, (float)lower, 0.0f, 0, 0, 0.0f,
                                   &found, ws->wf, ws->zf, ln, ws->isuppz, ws->swork, ws->lwork, ws->iwork, ws->liwork);
        for (size_t i = 0; i < (size_t)found * n; i++)
            ws->z[i] = ws->zf[i];
        for (size_t i = 0; i < (size_t)found; i++)
            w[i] = ws->wf[i];
    } else {
        info = LAPACKE_dsyevr_work(LAPACK_COL_MAJOR, 'V', 'V', 'L', ln, a, ln, lower, 0.0, 0, 0, 0.0, &found, w, ws->z,
                                   ln, ws->isuppz, ws->dwork, ws->lwork, ws->iwork, ws->liwork);
    }
    *neg = info == 0 ? (size_t)found : 0;
    return info == 0 ? CF_OK : CF_ELAPACK;
}

/* f(d) = 1 − diag((G + diag d)₊) using diag(A₊) = diag(A) − Σ_{λ<0} λ v_i². */
static int residual(const double *g, size_t n, const double *d, double *a, double *w, double *f, size_t *neg,
                    int single, eig_ws *ws) {
    memcpy(a, g, n * n * sizeof *a);
    for (size_t i = 0; i < n; i++)
        a[i * n + i] += d[i];
    int st = eig_negative(a, n, w, neg, single, ws);
    if (st != CF_OK)
        return st;
    for (size_t i = 0; i < n; i++)
        f[i] = 1 - (g[i * n + i] + d[i]);
    for (size_t j = 0; j < *neg; j++) {
        const double *v = ws->z + j * n;
        for (size_t i = 0; i < n; i++)
            f[i] += w[j] * v[i] * v[i];
    }
    return CF_OK;
}

static double max_abs(const double *v, size_t n) {
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(v[i]));
    return m;
}

int cf_ncm_project(const double *g, size_t n, double tol, size_t max_iter, size_t memory, double *x,
                   cf_ncm_info *info) {
    if (!g || !x || !info || n == 0)
        return CF_EINVAL;
    if (!(tol > 0))
        return CF_EDOM;
    memset(info, 0, sizeof *info);
    /* The least-squares problem has n rows: more history columns than rows is underdetermined
     * (and dgels would need LDB >= columns), so the memory is capped at n. */
    size_t mem = memory < n ? memory : n;
    double *a = malloc(n * n * sizeof *a), *w = malloc(n * sizeof *w);
    double *d = calloc(n, sizeof *d), *f = malloc(n * sizeof *f), *gd = malloc(n * sizeof *gd);
    /* Anderson history: differences of residuals (dF) and of fixed-point images (dG), column-major n x mem. */
    double *dF = malloc((mem ? mem : 1) * n * sizeof *dF), *dG = malloc((mem ? mem : 1) * n * sizeof *dG);
    double *fprev = malloc(n * sizeof *fprev), *gprev = malloc(n * sizeof *gprev);
    double *ls = malloc(n * (mem + 1) * sizeof *ls); /* least-squares matrix (n x hist) and right side */
    eig_ws ws;
    int st = eig_ws_alloc(&ws, n);
    if (st != CF_OK)
        goto done;
    if (!a || !w || !d || !f || !gd || !dF || !dG || !fprev || !gprev || !ls) {
        st = CF_ENOMEM;
        goto done;
    }

    st = cf_ncm_eigen_sym(g, n, w, NULL);
    if (st != CF_OK)
        goto done;
    info->min_eig_before = w[0];
    for (size_t i = 0; i < n; i++)
        if (w[i] < -1e-10)
            info->negative_before++;

    /* Mixed precision: iterate with single-precision eigendecompositions while the residual is
     * far above their rounding (≈ 6e-8·‖G‖), then in double to the tolerance; the Anderson
     * history carries over. At n = 1000 this takes 8 of ~18 iterations off the double path. */
    size_t hist = 0, neg = 0;
    double norm = fmax(fabs(w[0]), fabs(w[n - 1])), prev = INFINITY;
    int use_single = 1;
    for (size_t it = 0; it < max_iter; it++) {
        st = residual(g, n, d, a, w, f, &neg, use_single, &ws);
        if (st != CF_OK)
            goto done;
        info->iterations = it + 1;
        info->residual = max_abs(f, n);
        if (use_single && (info->residual < fmax(1e-4, 1e-6 * norm) || info->residual >= prev))
            use_single = 0;
        else if (!use_single && info->residual <= tol) {
            info->converged = 1;
            break;
        }
        prev = info->residual;
        for (size_t i = 0; i < n; i++)
            gd[i] = d[i] + f[i]; /* plain Dykstra step */
        if (mem > 0 && it > 0) {
            /* push the newest differences, dropping the oldest when full */
            if (hist == mem) {
                memmove(dF, dF + n, (mem - 1) * n * sizeof *dF);
                memmove(dG, dG + n, (mem - 1) * n * sizeof *dG);
                hist--;
            }
            for (size_t i = 0; i < n; i++) {
                dF[hist * n + i] = f[i] - fprev[i];
                dG[hist * n + i] = gd[i] - gprev[i];
            }
            hist++;
            /* γ = argmin ‖f − dF γ‖ by least squares (LAPACK dgels on a copy) */
            double *A = ls, *rhs = ls + n * hist;
            for (size_t c = 0; c < hist; c++)
                memcpy(A + c * n, dF + c * n, n * sizeof *A);
            memcpy(rhs, f, n * sizeof *rhs);
            lapack_int ln = (lapack_int)n;
            lapack_int linfo = LAPACKE_dgels(LAPACK_COL_MAJOR, 'N', ln, (lapack_int)hist, 1, A, ln, rhs, ln);
            memcpy(fprev, f, n * sizeof *f);
            memcpy(gprev, gd, n * sizeof *gd);
            if (linfo == 0) {
                for (size_t i = 0; i < n; i++) {
                    double s = 0;
                    for (size_t c = 0; c < hist; c++)
                        s += dG[c * n + i] * rhs[c];
                    d[i] = gd[i] - s;
                }
            } else {
                /* a rank-deficient history (linfo > 0): restart the acceleration from the plain step */
                hist = 0;
                memcpy(d, gd, n * sizeof *d);
            }
        } else {
            memcpy(fprev, f, n * sizeof *f);
            memcpy(gprev, gd, n * sizeof *gd);
            memcpy(d, gd, n * sizeof *d);
        }
    }
    /* X = (G + diag d)₊ = A − Σ_{λ<0} λ v vᵀ from the last eigendecomposition, then unit diagonal. */
    if (info->iterations == 0) {
        st = CF_EINVAL;
        goto done;
    }
    if (!info->converged) {
        st = residual(g, n, d, a, w, f, &neg, 0, &ws);
        if (st != CF_OK)
            goto done;
        info->residual = max_abs(f, n);
    }
    /* X = G + diag d + Σ_{λ<0} (−λ) v vᵀ */
    memcpy(x, g, n * n * sizeof *x);
    for (size_t i = 0; i < n; i++)
        x[i * n + i] += d[i];
    for (size_t j = 0; j < neg; j++)
        w[j] = -w[j];
    add_outer(x, n, ws.z, w, neg);
    for (size_t i = 0; i < n; i++)
        x[i * n + i] = 1;
    double fro = 0;
    for (size_t i = 0; i < n * n; i++)
        fro += (g[i] - x[i]) * (g[i] - x[i]);
    info->frobenius = cf_sqrt(fro);
done:
    eig_ws_free(&ws);
    free(a);
    free(w);
    free(d);
    free(f);
    free(gd);
    free(dF);
    free(dG);
    free(fprev);
    free(gprev);
    free(ls);
    return st;
}

int cf_ncm_floor(const double *r, size_t n, double floor, double *out) {
    if (!r || !out || n == 0)
        return CF_EINVAL;
    if (!(floor >= 0))
        return CF_EDOM;
    double *w = malloc(n * sizeof *w), *z = malloc(n * n * sizeof *z), *a = malloc(n * n * sizeof *a);
    lapack_int *isuppz = malloc(2 * n * sizeof *isuppz);
    if (!w || !z || !a || !isuppz) {
        free(w);
        free(z);
        free(a);
        free(isuppz);
        return CF_ENOMEM;
    }
    /* Only the eigenpairs at or below the floor change: out = r + Σ_{λ<=floor} (floor − λ) v vᵀ
     * (the same matrix as V max(Λ, floor) Vᵀ, without the n − m untouched pairs or rebuilding r
     * from all of them); dsyevr finds the eigenvalues in (lower, floor]. */
    memcpy(a, r, n * n * sizeof *a);
    memcpy(out, r, n * n * sizeof *out);
    lapack_int found = 0;
    lapack_int info = LAPACKE_dsyevr(LAPACK_COL_MAJOR, 'V', 'V', 'L', (lapack_int)n, a, (lapack_int)n,
                                     eig_lower_bound(r, n), floor, 0, 0, 0, &found, w, z, (lapack_int)n, isuppz);
    int st = info == 0 ? CF_OK : CF_ELAPACK;
    if (st == CF_OK) {
        for (lapack_int j = 0; j < found; j++)
            w[j] = floor - w[j];
        add_outer(out, n, z, w, (size_t)found);
    }
    for (size_t i = 0; i < n && st == CF_OK; i++)
        if (!(out[i * n + i] > 0))
            st = CF_ENOTPD;
    if (st == CF_OK) {
        for (size_t i = 0; i < n; i++) /* reuse: 1/√diag */
            w[i] = 1 / cf_sqrt(out[i * n + i]);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                out[i * n + j] *= w[i] * w[j];
        for (size_t i = 0; i < n; i++)
            out[i * n + i] = 1;
    }
    free(w);
    free(z);
    free(a);
    free(isuppz);
    return st;
}
