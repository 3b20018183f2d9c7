/* Eigen diagnostics and the nearest correlation matrix (METHODS §4). */
#include "cf_ncm.h"
#include "internal.h"
#include <lapacke.h>
#include <stdlib.h>
#include <string.h>

int cf_eigen_sym(const double *a, size_t n, double *w, double *z) {
    if (!a || !w || n == 0) return CF_EINVAL;
    double *work = malloc(n * n * sizeof *work);
    lapack_int *isuppz = malloc(2 * n * sizeof *isuppz);
    if (!work || !isuppz) { free(work); free(isuppz); return CF_ENOMEM; }
    memcpy(work, a, n * n * sizeof *work);
    lapack_int found = 0;
    lapack_int info = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, z ? 'V' : 'N', 'A', 'L', (lapack_int)n, work, (lapack_int)n,
                                     0, 0, 0, 0, 0, &found, w, z, (lapack_int)n, isuppz);
    free(work); free(isuppz);
    return info == 0 ? CF_OK : CF_ELAPACK;
}

/* Negative eigenpairs of a (destroyed): count, values in w, vectors in the first columns of z. */
static int negative_pairs(double *a, size_t n, double *w, double *z, lapack_int *isuppz, size_t *count) {
    /* All pairs, ascending: measured faster than dsyevr's value-range subset when many
     * eigenvalues are negative (0.24 s vs 0.66 s at n = 1000, 500 negative). */
    lapack_int found = 0;
    lapack_int info = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'V', 'A', 'L', (lapack_int)n, a, (lapack_int)n,
                                     0, 0, 0, 0, 0, &found, w, z, (lapack_int)n, isuppz);
    size_t neg = 0;
    while (neg < (size_t)found && w[neg] < 0) neg++;
    *count = neg;
    return info == 0 ? CF_OK : CF_ELAPACK;
}

/* f(d) = 1 − diag((G + diag d)₊) using diag(A₊) = diag(A) − Σ_{λ<0} λ v_i². */
static int residual(const double *g, size_t n, const double *d, double *a, double *w, double *z, lapack_int *isuppz,
                    double *f, size_t *neg) {
    memcpy(a, g, n * n * sizeof *a);
    for (size_t i = 0; i < n; i++) a[i * n + i] += d[i];
    int st = negative_pairs(a, n, w, z, isuppz, neg);
    if (st != CF_OK) return st;
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (size_t j = 0; j < *neg; j++) s += w[j] * z[i * n + j] * z[i * n + j];
        f[i] = 1 - (g[i * n + i] + d[i] - s);
    }
    return CF_OK;
}

static double max_abs(const double *v, size_t n) {
    double m = 0;
    for (size_t i = 0; i < n; i++) m = fmax(m, fabs(v[i]));
    return m;
}

int cf_ncm_project(const double *g, size_t n, double tol, size_t max_iter, size_t memory, double *x, cf_ncm_info *info) {
    if (!g || !x || !info || n == 0) return CF_EINVAL;
    if (!(tol > 0)) return CF_EDOM;
    memset(info, 0, sizeof *info);
    size_t mem = memory;
    double *a = malloc(n * n * sizeof *a), *z = malloc(n * n * sizeof *z), *w = malloc(n * sizeof *w);
    lapack_int *isuppz = malloc(2 * n * sizeof *isuppz);
    double *d = calloc(n, sizeof *d), *f = malloc(n * sizeof *f), *gd = malloc(n * sizeof *gd);
    /* Anderson history: differences of residuals (dF) and of fixed-point images (dG), column-major n x mem. */
    double *dF = malloc((mem ? mem : 1) * n * sizeof *dF), *dG = malloc((mem ? mem : 1) * n * sizeof *dG);
    double *fprev = malloc(n * sizeof *fprev), *gprev = malloc(n * sizeof *gprev);
    double *ls = malloc(n * (mem + 1) * sizeof *ls); /* least-squares matrix (n x hist) and right side */
    int st = CF_OK;
    if (!a || !z || !w || !isuppz || !d || !f || !gd || !dF || !dG || !fprev || !gprev || !ls) { st = CF_ENOMEM; goto done; }

    st = cf_eigen_sym(g, n, w, NULL);
    if (st != CF_OK) goto done;
    info->min_eig_before = w[0];
    for (size_t i = 0; i < n; i++) if (w[i] < -1e-10) info->negative_before++;

    size_t hist = 0, neg = 0;
    for (size_t it = 0; it < max_iter; it++) {
        st = residual(g, n, d, a, w, z, isuppz, f, &neg);
        if (st != CF_OK) goto done;
        info->iterations = it + 1;
        info->residual = max_abs(f, n);
        if (info->residual <= tol) { info->converged = 1; break; }
        for (size_t i = 0; i < n; i++) gd[i] = d[i] + f[i]; /* plain Dykstra step */
        if (mem > 0 && it > 0) {
            /* push the newest differences, dropping the oldest when full */
            if (hist == mem) {
                memmove(dF, dF + n, (mem - 1) * n * sizeof *dF);
                memmove(dG, dG + n, (mem - 1) * n * sizeof *dG);
                hist--;
            }
            for (size_t i = 0; i < n; i++) { dF[hist * n + i] = f[i] - fprev[i]; dG[hist * n + i] = gd[i] - gprev[i]; }
            hist++;
            /* γ = argmin ‖f − dF γ‖ by least squares (LAPACK dgels on a copy) */
            double *A = ls, *rhs = ls + n * hist;
            for (size_t c = 0; c < hist; c++) memcpy(A + c * n, dF + c * n, n * sizeof *A);
            memcpy(rhs, f, n * sizeof *rhs);
            lapack_int linfo = LAPACKE_dgels(LAPACK_COL_MAJOR, 'N', (lapack_int)n, (lapack_int)hist, 1, A, (lapack_int)n, rhs, (lapack_int)n);
            memcpy(fprev, f, n * sizeof *f);
            memcpy(gprev, gd, n * sizeof *gd);
            if (linfo == 0) {
                for (size_t i = 0; i < n; i++) {
                    double s = 0;
                    for (size_t c = 0; c < hist; c++) s += dG[c * n + i] * rhs[c];
                    d[i] = gd[i] - s;
                }
            } else { hist = 0; memcpy(d, gd, n * sizeof *d); }
        } else {
            memcpy(fprev, f, n * sizeof *f);
            memcpy(gprev, gd, n * sizeof *gd);
            memcpy(d, gd, n * sizeof *d);
        }
    }
    /* X = (G + diag d)₊ = A − Σ_{λ<0} λ v vᵀ from the last eigendecomposition, then unit diagonal. */
    if (info->iterations == 0) { st = CF_EINVAL; goto done; }
    if (!info->converged) { st = residual(g, n, d, a, w, z, isuppz, f, &neg); if (st != CF_OK) goto done; info->residual = max_abs(f, n); }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j <= i; j++) {
            double s = g[i * n + j] + (i == j ? d[i] : 0);
            for (size_t k = 0; k < neg; k++) s -= w[k] * z[i * n + k] * z[j * n + k];
            x[i * n + j] = x[j * n + i] = s;
        }
    for (size_t i = 0; i < n; i++) x[i * n + i] = 1;
    double fro = 0;
    for (size_t i = 0; i < n * n; i++) fro += (g[i] - x[i]) * (g[i] - x[i]);
    info->frobenius = sqrt(fro);
    st = cf_eigen_sym(x, n, w, NULL);
    if (st == CF_OK) info->min_eig_after = w[0];
done:
    free(a); free(z); free(w); free(isuppz); free(d); free(f); free(gd); free(dF); free(dG); free(fprev); free(gprev); free(ls);
    return st;
}

int cf_corr_floor(const double *r, size_t n, double floor, double *out) {
    if (!r || !out || n == 0) return CF_EINVAL;
    if (!(floor >= 0)) return CF_EDOM;
    double *w = malloc(n * sizeof *w), *z = malloc(n * n * sizeof *z);
    if (!w || !z) { free(w); free(z); return CF_ENOMEM; }
    int st = cf_eigen_sym(r, n, w, z);
    if (st == CF_OK) {
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j <= i; j++) {
                double s = 0;
                for (size_t k = 0; k < n; k++) s += fmax(w[k], floor) * z[i * n + k] * z[j * n + k];
                out[i * n + j] = out[j * n + i] = s;
            }
        for (size_t i = 0; i < n; i++) if (!(out[i * n + i] > 0)) st = CF_ENOTPD;
        if (st == CF_OK) {
            double *s = w; /* reuse: 1/√diag */
            for (size_t i = 0; i < n; i++) s[i] = 1 / sqrt(out[i * n + i]);
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < n; j++) out[i * n + j] *= s[i] * s[j];
            for (size_t i = 0; i < n; i++) out[i * n + i] = 1;
        }
    }
    free(w); free(z);
    return st;
}
