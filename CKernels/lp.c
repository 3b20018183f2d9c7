/* Fréchet bounds on β for exchangeable laws (METHODS §8, Prop. 3): a 3-row linear programme. */
#include "cf_lp.h"
#include "internal.h"
#include <stdlib.h>
#include <string.h>

enum { LP_ROWS = 3 };
static const double LP_EPS = 1e-12;

typedef struct {
    size_t cols; /* structural + artificial columns */
    double *t; /* LP_ROWS x (cols + 1) tableau, last column = right-hand side */
    size_t basis[LP_ROWS];
} tableau;

static double *at(tableau *T, size_t r, size_t c) {
    return &T->t[r * (T->cols + 1) + c];
}

static void pivot(tableau *T, size_t r, size_t c) {
    double pv = *at(T, r, c);
    for (size_t j = 0; j <= T->cols; j++)
        *at(T, r, j) /= pv;
    for (size_t i = 0; i < LP_ROWS; i++) {
        if (i == r)
            continue;
        double f = *at(T, i, c);
        if (f == 0)
            continue;
        for (size_t j = 0; j <= T->cols; j++)
            *at(T, i, j) -= f * *at(T, r, j);
    }
    T->basis[r] = c;
}

/* Minimises cost·x over columns [0, allowed) with Bland's rule; returns 0, or -1 if unbounded. */
static int simplex(tableau *T, const double *cost, size_t allowed) {
    for (int guard = 0; guard < 100000; guard++) {
        size_t enter = (size_t)-1;
        for (size_t j = 0; j < allowed; j++) {
            int basic = 0;
            for (size_t i = 0; i < LP_ROWS; i++)
                if (T->basis[i] == j)
                    basic = 1;
            if (basic)
                continue;
            double rc = cost[j];
            for (size_t i = 0; i < LP_ROWS; i++)
                rc -= cost[T->basis[i]] * *at(T, i, j);
            if (rc < -LP_EPS) {
                enter = j;
                break;
            }
        }
        if (enter == (size_t)-1)
            return 0;
        size_t leave = (size_t)-1;
        double best = INFINITY;
        for (size_t i = 0; i < LP_ROWS; i++) {
            double a = *at(T, i, enter);
            if (a > LP_EPS) {
                double ratio = *at(T, i, T->cols) / a;
                if (ratio < best - LP_EPS ||
                    (fabs(ratio - best) <= LP_EPS && leave != (size_t)-1 && T->basis[i] < T->basis[leave])) {
                    best = ratio;
                    leave = i;
                }
            }
        }
        if (leave == (size_t)-1)
            return -1;
        pivot(T, leave, enter);
    }
    return -1;
}

/* Optimum of sign·w_m (sign = +1: min, −1: max). */
static int solve(size_t m, double p, double c, double sign, double *beta) {
    size_t n = m + 1, cols = n + LP_ROWS;
    tableau T = {cols, calloc(LP_ROWS * (cols + 1), sizeof(double)), {0}};
    double *cost = calloc(cols, sizeof *cost);
    if (!T.t || !cost) {
        free(T.t);
        free(cost);
        return CF_ENOMEM;
    }
    for (size_t k = 0; k < n; k++) {
        double t = (double)k;
        *at(&T, 0, k) = 1;
        *at(&T, 1, k) = t / (double)m;
        *at(&T, 2, k) = t * (t - 1) / ((double)m * (double)(m - 1));
    }
    double rhs[LP_ROWS] = {1, p, c};
    for (size_t i = 0; i < LP_ROWS; i++) {
        *at(&T, i, n + i) = 1;
        *at(&T, i, cols) = rhs[i];
        T.basis[i] = n + i;
    }
    /* phase I: minimise the artificials */
    for (size_t i = 0; i < LP_ROWS; i++)
        cost[n + i] = 1;
    int st = CF_OK;
    if (simplex(&T, cost, cols) != 0)
        st = CF_EUNDEF;
    double infeas = 0;
    for (size_t i = 0; i < LP_ROWS; i++)
        if (T.basis[i] >= n)
            infeas += *at(&T, i, cols);
    if (st == CF_OK && infeas > 1e-10)
        st = CF_EUNDEF;
    if (st == CF_OK) {
        /* drive zero-level artificials out of the basis */
        for (size_t i = 0; i < LP_ROWS; i++) {
            if (T.basis[i] < n)
                continue;
            for (size_t j = 0; j < n; j++)
                if (fabs(*at(&T, i, j)) > 1e-9) {
                    pivot(&T, i, j);
                    break;
                }
        }
        memset(cost, 0, cols * sizeof *cost);
        cost[m] = sign;
        if (simplex(&T, cost, n) != 0)
            st = CF_EUNDEF;
        double w = 0;
        for (size_t i = 0; i < LP_ROWS; i++)
            if (T.basis[i] == m)
                w = *at(&T, i, cols);
        *beta = cf_clamp01(w);
    }
    free(T.t);
    free(cost);
    return st;
}

int cf_lp_frechet_bounds(size_t m, double p, double c, double *beta_min, double *beta_max) {
    if (!beta_min || !beta_max)
        return CF_EINVAL;
    if (m < 2)
        return CF_EDOM;
    if (!(p >= 0 && p <= 1) || !(c >= 0 && c <= 1))
        return CF_EDOM;
    int st = solve(m, p, c, 1.0, beta_min);
    if (st != CF_OK)
        return st;
    return solve(m, p, c, -1.0, beta_max);
}
