#ifndef CKERNELS_LOGISTIC_H
#define CKERNELS_LOGISTIC_H
#include "cf_common.h"

/* ---- L2-regularised logistic regression on sparse rows (METHODS §16.4) ---- */

/*
 * Minimises Σ_r [log(1 + e^{z_r}) − y_r z_r] + (λ/2)‖w‖², z_r = x_r·w + b, with the intercept b
 * unpenalised, over n rows in CSR form (row r's entries are col[rowptr[r] .. rowptr[r+1]) with
 * values val[...], columns < d). Newton's method with the Hessian solved by conjugate gradients
 * (Hessian-vector products from two sparse passes; the CG tolerance tightens with the gradient)
 * and an Armijo backtracking line search, from w = 0 and b = logit(mean y), until the gradient's
 * largest absolute component is at most `tol`. y must hold both a 0 and a 1 (a constant y has no
 * finite minimiser in b). Writes w[d], *b, the final ‖∇‖∞ and the Newton iterations taken.
 * `work` holds 5d + 3n doubles. CF_EINVAL for a NULL pointer or n = 0; CF_EDOM for λ <= 0, tol <= 0,
 * a column outside [0, d), a non-finite value, or y outside {0, 1} or constant; CF_EMAXITER when
 * `max_newton` iterations (or a line search) end above `tol` (w and b then hold the last iterate).
 */
int cf_logistic_fit(
    size_t n, size_t d, const int64_t *rowptr, const int32_t *col, const double *val, const uint8_t *y, double lambda,
    double tol, int max_newton, double *work, double *w, double *b, double *grad_norm, int *iterations);

#endif
