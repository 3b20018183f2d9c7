#ifndef CKERNELS_BINOM_H
#define CKERNELS_BINOM_H
#include "cf_common.h"

/*
 * Clopper–Pearson bounds for k successes in n trials (METHODS §1), from GSL's Beta quantile
 * gsl_cdf_beta_Pinv (B⁻¹(x; a, b)):
 *   two-sided (1−α): lo = B⁻¹(α/2; k, n−k+1) (0 if k = 0), hi = B⁻¹(1−α/2; k+1, n−k) (1 if k = n);
 *   one-sided lower bound at level δ: B⁻¹(δ; k, n−k+1) (0 if k = 0).
 * CF_EDOM unless 0 <= k <= n, n >= 1 and the level lies in (0, 1).
 */
int cf_binom_cp_interval(int64_t k, int64_t n, double alpha, double *lo, double *hi);
int cf_binom_cp_lower(int64_t k, int64_t n, double delta, double *lo);

#endif
