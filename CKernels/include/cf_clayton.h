#ifndef CKERNELS_CLAYTON_H
#define CKERNELS_CLAYTON_H
#include "cf_common.h"

/*
 * Exchangeable Clayton copula control (METHODS §5): error ⇔ U_i <= p_i,
 * joint lower orthant C(u_1..u_m; θ) = (Σ u_i^−θ − m + 1)^(−1/θ), θ > 0.
 * Evaluated in log space (expm1/log1p for small θ, max-factoring for large θ).
 */

/* log C(u_1..u_m; θ); u_i = 0 gives -INFINITY. CF_EDOM for θ <= 0 or u outside [0, 1]. */
int cf_clayton_log_joint(const double *u, size_t m, double theta, double *log_c);

/* Why θ is undefined. */
enum { CF_THETA_OK = 0, CF_THETA_AT_OR_BELOW_INDEPENDENCE = 1, CF_THETA_ABOVE_COMONOTONE = 2, CF_THETA_TOO_FEW = 3 };

/*
 * Calibrates θ so that mean_{i<j} C(p_i, p_j; θ) = mean_co_error (models with 0 < p < 1 only;
 * the caller leaves degenerate models out). Brent on log θ to relative 1e-12.
 * *why reports an undefined θ (CF_THETA_*); then *theta is NaN.
 */
int cf_clayton_calibrate(const double *p, size_t m, double mean_co_error, double *theta, int *why);

#endif
