#ifndef CKERNELS_FACTOR_H
#define CKERNELS_FACTOR_H
#include "cf_common.h"

/*
 * Reusable buffers of the functions below, for `m` models at most (NULL when out of memory).
 * A workspace serves one call at a time: give each worker thread its own. The functions
 * without `_ws` allocate one per call.
 */
typedef struct cf_factor_workspace cf_factor_workspace;
cf_factor_workspace *cf_factor_workspace_alloc(size_t m);
void cf_factor_workspace_free(cf_factor_workspace *ws);

/*
 * Single-factor Gaussian copula all-wrong probability (METHODS §3):
 *   β_SF(ρ) = ∫ φ(f) ∏_i Φ((τ_i − √ρ f)/√(1−ρ)) df,   τ_i = Φ⁻¹(p_i).
 * Evaluated in log space: the log-integrand is strictly concave, so its mode is found by
 * Newton. The scaled integrand is integrated on a trapezoid grid around the mode, halved until
 * two levels agree to max(rel_tol, 0.05·√rel_tol) (the trapezoid error of this smooth, rapidly
 * decaying integrand is far below that change: scripts/checks/trapezoid_error.py). Where a
 * factor is a near-step (√(1−ρ)/√ρ < 0.1, ρ → 1) or the grid does not settle, adaptive
 * Gauss–Kronrod (21 points) runs on panels split at the mode, at geometric distances from it
 * and at every kink τ_i/√ρ. Relative error <= `rel_tol` (use 1e-10) for any ρ in [0, 1],
 * including β_SF far below 1e-300 and ρ = 0.99999; CF_EMAXITER when neither path converges.
 * p_i = 1 contributes a factor 1; any p_i = 0 gives β_SF = 0 (log = -INFINITY).
 * CF_EDOM for ρ outside [0, 1] or p outside [0, 1]. `err` (may be NULL) receives the
 * estimated relative error.
 */
int cf_factor_log_beta(const double *p, size_t m, double rho, double rel_tol, double *log_beta, double *err);
/* The same in a workspace (CF_EINVAL when m exceeds its capacity). */
int cf_factor_log_beta_ws(cf_factor_workspace *ws, const double *p, size_t m, double rho, double rel_tol,
                          double *log_beta, double *err);

/*
 * The same probability with per-model loadings: ∫ φ(f) ∏ Φ((τ_i − λ_i f)/√(1−λ_i²)) df,
 * λ_i in [0, 1) (λ_i = √ρ recovers cf_factor_log_beta). Same method and accuracy.
 */
int cf_factor_log_beta_loadings(const double *p, const double *lambda, size_t m, double rel_tol, double *log_beta,
                                double *err);

/* Why ρ* is undefined. */
enum { CF_RHO_OK = 0, CF_RHO_BELOW_INDEPENDENCE = 1, CF_RHO_BETA_ZERO = 2, CF_RHO_NO_MODELS = 3 };

/*
 * Implied tail correlation ρ*: the root of β_SF(ρ*) = β on [0, 1) (METHODS §3), found by
 * Newton on log β_SF − log β (d log β_SF/dρ from the same integral), inside a bracket that every
 * step shrinks (bisection when Newton leaves it), to |Δρ| <= 1e-13 with β_SF to 1e-12.
 * `log_beta` is log β.
 * *why = CF_RHO_BETA_ZERO when β = 0, CF_RHO_NO_MODELS when a model has p = 0 or no model has
 * 0 < p < 1 (no pool to fit), CF_RHO_BELOW_INDEPENDENCE when β < ∏ p_i; β >= min p_i gives ρ* = 1.
 */
int cf_factor_implied_rho(const double *p, size_t m, double log_beta, double *rho, int *why);

/* The same with the β_SF tolerance, the tolerance on ρ and a hint (NaN for none): Newton starts
 * there, taking it to be close to the root (bootstrap replicates: 1e-7, 1e-9, a prediction from
 * the full sample). hint_curv (NaN for none) is g''/g' of g = log β_SF near the root (the full
 * sample's): the first step from the hint then follows the quadratic model. Any hint in (0, 1)
 * and any hint_curv give the same root to xtol. */
int cf_factor_implied_rho_tol(const double *p, size_t m, double log_beta, double rel_tol, double xtol, double hint,
                              double hint_curv, double *rho, int *why);
/* The same in a workspace. */
int cf_factor_implied_rho_ws(cf_factor_workspace *ws, const double *p, size_t m, double log_beta, double rel_tol,
                             double xtol, double hint, double hint_curv, double *rho, int *why);

#endif
