#ifndef CKERNELS_ORTHANT_H
#define CKERNELS_ORTHANT_H
#include "cf_common.h"

/*
 * Gaussian orthant probability P(Z_i <= τ_i for all i), Z ~ N(0, R), R a positive definite
 * d x d correlation matrix (METHODS §4, β_full).
 */

/*
 * Crude Monte Carlo with `draws` draws over at most `threads` threads. Draw t uses normals
 * (key, stream t) of the Philox generator (key from cf_rng_key with CF_DOMAIN_CRUDE_MC), so
 * the estimate is the same for any thread count. CF_ENOMEM when a worker cannot allocate.
 * Variables are visited most-restrictive first and a draw stops at its first violated bound
 * (the same estimator as evaluating every coordinate, at a fraction of the cost).
 * out: val = hits/draws, se = √(val(1−val)/draws), hits.
 */
int cf_orthant_mc(const double *r, const double *tau, size_t d, uint64_t key, uint64_t draws, size_t threads,
                  cf_estimate *out);

/*
 * Minimax exponentially tilted separation-of-variables estimator (Botev 2017, JRSS-B 79:125):
 * Genz–Bretz variable ordering, Cholesky, tilting parameters from Newton on the saddle-point
 * equations ∇ψ = 0, then `points` randomised rank-1 lattice points under each of `shifts`
 * random shifts (shift s from stream s of `key`, a CF_DOMAIN_QMC_SHIFT key of the caller's
 * unit, so every unit averages its own shifts); the standard error comes from the spread of the shift
 * means. Accurate in relative terms for tiny probabilities (1e-7 and far below); the log of the
 * estimate is kept in out->log_val. Shifts are spread over at most `threads` threads.
 * When R's correlation is mostly common (mean off-diagonal ρ̄ with ρ̄d >= 67(1 − ρ̄)), the same
 * estimator is also set up on (F, Z) with an unbounded common factor F placed first; half the
 * shifts (at least 2; 3 when one form's spread is already 5 times the other's) run under each
 * form as a pilot, and the form whose shift means spread less is kept, its pilot shifts part of
 * the estimate: on 1,000-model pools the factor-first form needs 17 to 120 times fewer points,
 * on small pools the plain form is better.
 */
int cf_orthant_tilted(const double *r, const double *tau, size_t d, uint64_t key, size_t points, size_t shifts,
                      size_t threads, cf_estimate *out);

/*
 * The same estimator to a precision: after `points` lattice points under each of `shifts` random
 * shifts (shift s from stream s), every shift's lattice is extended to as many points as the
 * spread so far says the target needs (at the Monte Carlo rate, at most 8 times as many a round,
 * in whole blocks of 16) until the relative standard error is <= `rel_target` or the shifts have
 * max_points points in all (the caller compares out->rel_se with its target to see which).
 * out->samples counts the points of the estimate (not the dropped pilot). cf_orthant_tilted is
 * the special case of one round (max_points = points·shifts). CF_EINVAL when points = 0, shifts < 2
 * (a standard error needs two shift means) or max_points < points·shifts; CF_EDOM for a negative
 * or NaN rel_target.
 */
int cf_orthant_tilted_target(const double *r, const double *tau, size_t d, uint64_t key, size_t points, size_t shifts,
                             double rel_target, size_t max_points, size_t threads, cf_estimate *out);

#endif
