#ifndef CKERNELS_NORMAL_H
#define CKERNELS_NORMAL_H
#include "cf_common.h"

/* Univariate standard normal distribution (METHODS §2, §3). */

/* Φ(x), relative accuracy ~1e-15 in both tails. */
double cf_norm_cdf(double x);
/* log Φ(x), accurate for every finite x (continued fraction below x = -37). */
double cf_norm_logcdf(double x);
/* log Φ(x[i]) into out[i] for i < n, to the accuracy of cf_norm_logcdf, in a loop that runs
 * several values at once (no libm call per value): for many values at a time. NaN stays NaN.
 * CF_EINVAL for NULL arrays with n > 0. */
int cf_norm_logcdf_batch(const double *x, size_t n, double *out);
/* φ(x)/Φ(x) (inverse Mills ratio), accurate for every finite x. */
double cf_norm_mills(double x);
/* Φ⁻¹(p) for p in [0,1] (Wichura AS 241, ~1e-16 relative); ±INFINITY at 0 and 1, NaN outside. */
double cf_norm_quantile(double p);
/* Φ⁻¹(exp(log_p)) for log_p <= 0: quantile from a log-probability (deep lower tail safe). */
double cf_norm_quantile_log(double log_p);
/* The same for log_p[i], i < n, into out[i], in a loop that runs several values at once (no libm
 * call per value); agrees with cf_norm_quantile_log to the rounding level. CF_EINVAL for NULL
 * arrays with n > 0. */
int cf_norm_quantile_log_batch(const double *log_p, size_t n, double *out);

#endif
