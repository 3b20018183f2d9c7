#ifndef CKERNELS_BVN_H
#define CKERNELS_BVN_H
#include "cf_common.h"
#include "cf_normal.h"

/* ---- bivariate normal, standard margins, correlation r (METHODS §2) ---- */

/*
 * Lower-orthant probability Φ₂(h, k; r) = P(X <= h, Y <= k).
 * Genz (2004, Stat. Comput. 14:251) refinement of Drezner–Wesolowsky: Gauss–Legendre on the
 * arcsine form for |r| < 0.925, singularity-subtracted form above. Absolute error <= ~1e-15 on
 * all of R² x [-1, 1]; ±INFINITY limits accepted. The result is clamped to [0, 1].
 * Returns CF_EDOM for NaN arguments or |r| > 1.
 */
int cf_bvn_cdf(double h, double k, double r, double *out);

/* Bivariate normal density φ₂(h, k; r) = ∂Φ₂/∂r (Plackett). CF_EDOM for |r| >= 1 or NaN. */
int cf_bvn_pdf(double h, double k, double r, double *out);

/* Φ₂ over n triples, the same values as cf_bvn_cdf call by call; calls are grouped by quadrature
 * rule and evaluated four at a time on AVX2 machines. CF_EDOM if any argument is NaN or |r| > 1. */
int cf_bvn_cdf_batch(const double *h, const double *k, const double *r, size_t n, double *out);

/* Inverse in r: the r in [-1, 1] with Φ₂(h, k; r) = p (|Δr| <= 1e-15).
 * For roots with |r| < 0.925 the iteration is Halley's method in θ = asin r on Genz's arcsine
 * form and integrates only each step's increment (a few exp per step); elsewhere it is bracketed
 * Newton on Φ₂ with φ₂ as derivative. CF_EDOM when p lies outside [Φ₂(h,k;-1), Φ₂(h,k;1)] or an
 * argument is NaN, CF_EMAXITER when the iteration cap is reached first (r holds the last iterate). */
int cf_bvn_solve_r(double h, double k, double p, double *r);

/* cf_bvn_solve_r with a Newton start r0 (e.g. the full-sample value in a bootstrap). */
int cf_bvn_solve_r_warm(double h, double k, double p, double r0, double *r);

/* cf_bvn_solve_r_warm over n problems (r0[i] NaN: no start): root i in r[i] and what the single
 * call returns in status[i], the same values as the single calls; the problems are solved
 * together, vectorised across them. CF_EINVAL for a NULL array, CF_ENOMEM. */
int cf_bvn_solve_r_warm_batch(const double *h, const double *k, const double *p, const double *r0, size_t n, double *r,
                              int *status);

/* Internal fast path (no argument checks); exposed for the other kernels. */
double cf_bvn_cdf_raw(double h, double k, double r);

#endif
