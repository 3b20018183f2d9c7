#ifndef CKERNELS_SIMULATE_H
#define CKERNELS_SIMULATE_H
#include "cf_common.h"

/*
 * Synthetic laws of METHODS §8.
 */

enum { CF_LAW_SHOCK = 0, CF_LAW_CLAYTON = 1, CF_LAW_FACTOR = 2 };

/*
 * Draws an n x m outcome matrix from a law, deterministically from (seed, query): query q uses
 * stream q of the CF_DOMAIN_SYNTHETIC key of `seed` (missingness: the CF_DOMAIN_MISSING key), so
 * the matrix is identical for any thread count. Output: bit-packed error
 * columns and answered (non-missing) columns, `words` = ceil(n/64) per model, zeroed by the call.
 *  - CF_LAW_SHOCK:   with probability `pi` every model errs; else model i errs w.p. param[i] (= q_i).
 *  - CF_LAW_CLAYTON: Clayton(θ = `theta`) copula by Marshall–Olkin; model i errs iff U_i <= param[i] (= p_i).
 *  - CF_LAW_FACTOR:  Z_i = λ_i F + √(1−λ_i²) ε_i; model i errs iff Z_i <= Φ⁻¹(param[i]); λ = loading.
 * Each cell is independently missing with probability `missing`. With `latent` non-null (factor law
 * only) Z_i of query q is also written to latent[q·m + i], so that repeated samples can share it.
 * Returns CF_EINVAL for a null output or parameter array, n or m of 0, or `latent` with another law;
 * CF_EDOM for an unknown law or a parameter out of its range.
 */
int cf_simulate_matrix(int law, const double *param, const double *loading, double pi, double theta, size_t n, size_t m,
                       double missing, uint64_t seed, size_t threads, uint64_t *errors, uint64_t *answered,
                       double *latent);

#endif
