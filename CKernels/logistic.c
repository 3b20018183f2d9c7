/* L2-regularised logistic regression by Newton-CG on CSR rows (METHODS §16.4). */
#include "cf_logistic.h"
#include "internal.h"
#include <math.h>
#include <string.h>

typedef struct {
    size_t n, d;
    const int64_t *rowptr;
    const int32_t *col;
    const double *val;
} csr;

/* out[r] = x_r·v + c */
static void mul(const csr *a, const double *v, double c, double *out) {
    for (size_t r = 0; r < a->n; r++) {
        double s = c;
        for (int64_t k = a->rowptr[r]; k < a->rowptr[r + 1]; k++)
            s += a->val[k] * v[a->col[k]];
        out[r] = s;
    }
}

/* out = Xᵀ u (out zeroed first) */
static void mul_t(const csr *a, const double *u, double *out) {
    memset(out, 0, a->d * sizeof(double));
    for (size_t r = 0; r < a->n; r++) {
        double ur = u[r];
        if (ur == 0)
            continue;
        for (int64_t k = a->rowptr[r]; k < a->rowptr[r + 1]; k++)
            out[a->col[k]] += a->val[k] * ur;
    }
}

/* log(1 + e^z) without overflow */
static double softplus(double z) { return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z)); }

static double sigmoid(double z) {
    if (z >= 0)
        return 1 / (1 + exp(-z));
    double e = exp(z);
    return e / (1 + e);
}

/* The objective at (w, b) given z = Xw + b. */
static double objective(const csr *a, const uint8_t *y, const double *z, const double *w, double lambda) {
    double f = 0;
    for (size_t r = 0; r < a->n; r++)
        f += softplus(z[r]) - (y[r] ? z[r] : 0);
    double ww = 0;
    for (size_t j = 0; j < a->d; j++)
        ww += w[j] * w[j];
    return f + 0.5 * lambda * ww;
}

int cf_logistic_fit(
    size_t n, size_t d, const int64_t *rowptr, const int32_t *col, const double *val, const uint8_t *y, double lambda,
    double tol, int max_newton, double *work, double *w, double *b, double *grad_norm, int *iterations) {
    if (!rowptr || !y || !work || !w || !b || !grad_norm || !iterations || n == 0 || (rowptr[n] > 0 && (!col || !val)))
        return CF_EINVAL;
    if (!(lambda > 0) || !(tol > 0) || !isfinite(lambda))
        return CF_EDOM;
    size_t ones = 0;
    for (size_t r = 0; r < n; r++) {
        if (y[r] > 1)
            return CF_EDOM;
        ones += y[r];
    }
    if (ones == 0 || ones == n)
        return CF_EDOM;
    for (int64_t k = 0; k < rowptr[n]; k++)
        if (col[k] < 0 || (size_t)col[k] >= d || !isfinite(val[k]))
            return CF_EDOM;
    csr a = {n, d, rowptr, col, val};
    double *g = work, *p = g + d, *rr = p + d, *q = rr + d, *wt = q + d;
    double *z = wt + d, *dd = z + n, *u = dd + n;
    memset(w, 0, d * sizeof(double));
    double mean = (double)ones / (double)n;
    double bb = log(mean / (1 - mean));
    mul(&a, w, bb, z);
    double f = objective(&a, y, z, w, lambda);
    int status = CF_EMAXITER;
    int it = 0;
    double gn = INFINITY;
    for (;; it++) {
        /* gradient */
        double gb = 0;
        for (size_t r = 0; r < n; r++) {
            double s = sigmoid(z[r]);
            u[r] = s - y[r];
            dd[r] = s * (1 - s);
            gb += u[r];
        }
        mul_t(&a, u, g);
        gn = fabs(gb);
        double g2 = gb * gb;
        for (size_t j = 0; j < d; j++) {
            g[j] += lambda * w[j];
            if (fabs(g[j]) > gn)
                gn = fabs(g[j]);
            g2 += g[j] * g[j];
        }
        if (gn <= tol) {
            status = CF_OK;
            break;
        }
        if (it >= max_newton)
            break;
        /* CG on H p = −g over (w, b): residual rr = −g − H p, direction q */
        double forcing = fmin(0.5, sqrt(sqrt(g2))) * sqrt(g2);
        double pb = 0, rb = -gb, qb = rb;
        for (size_t j = 0; j < d; j++) {
            p[j] = 0;
            rr[j] = -g[j];
            q[j] = rr[j];
        }
        double rs = g2;
        for (int cg = 0; cg < 250 && sqrt(rs) > forcing; cg++) {
            /* Hq = Xᵀ D (Xq + qb) + λ q, and its b-part Σ D (Xq + qb) */
            mul(&a, q, qb, u);
            double hb = 0;
            for (size_t r = 0; r < n; r++) {
                u[r] *= dd[r];
                hb += u[r];
            }
            mul_t(&a, u, wt);
            double qhq = qb * hb;
            for (size_t j = 0; j < d; j++) {
                wt[j] += lambda * q[j];
                qhq += q[j] * wt[j];
            }
            if (!(qhq > 0))
                break;
            double alpha = rs / qhq;
            double rs_new = 0;
            pb += alpha * qb;
            rb -= alpha * hb;
            rs_new += rb * rb;
            for (size_t j = 0; j < d; j++) {
                p[j] += alpha * q[j];
                rr[j] -= alpha * wt[j];
                rs_new += rr[j] * rr[j];
            }
            double beta = rs_new / rs;
            rs = rs_new;
            qb = rb + beta * qb;
            for (size_t j = 0; j < d; j++)
                q[j] = rr[j] + beta * q[j];
        }
        /* Armijo backtracking along (p, pb) */
        double slope = gb * pb;
        for (size_t j = 0; j < d; j++)
            slope += g[j] * p[j];
        if (!(slope < 0))
            break;
        /* a predicted decrease below the objective's rounding cannot be tested: near the minimum
         * the full Newton step is taken (its convergence there is quadratic) */
        int rounding = -slope < 1e-13 * fabs(f);
        double step = 1;
        int accepted = 0;
        for (int ls = 0; ls < 60; ls++) {
            for (size_t j = 0; j < d; j++)
                wt[j] = w[j] + step * p[j];
            mul(&a, wt, bb + step * pb, u);
            double fn = objective(&a, y, u, wt, lambda);
            if (rounding || fn <= f + 1e-4 * step * slope) {
                memcpy(w, wt, d * sizeof(double));
                memcpy(z, u, n * sizeof(double));
                bb += step * pb;
                f = fn;
                accepted = 1;
                break;
            }
            step *= 0.5;
        }
        if (!accepted)
            break;
    }
    *b = bb;
    *grad_norm = gn;
    *iterations = it;
    return status;
}
