#ifndef CKERNELS_VOTE_H
#define CKERNELS_VOTE_H
#include "cf_common.h"

/*
 * Majority voting over model subsets (METHODS §11).
 */

/*
 * Vote counts of `count` subsets of `k` models each (members: count x k column indices, row
 * major) over bit-packed correctness columns (`bits`, column c at bits + c*words, padding bits
 * zero). With c_q the number of members correct on query q, out (count x 4) receives
 *   out[0] = #{q : 2 c_q > k}   (strict-majority vote correct)
 *   out[1] = #{q : c_q >= 2}
 *   out[2] = #{q : c_q == 1}
 *   out[3] = #{q : c_q >= 1}   (the subset oracle)
 * c_q is kept in bit-sliced counter planes (a ripple add per member), and each predicate is a
 * bitwise comparison of the planes with a constant: O(k log k) word operations per 64 queries.
 * CF_EINVAL for k = 0 or k > 4096.
 */
int cf_vote_counts(const uint64_t *bits, size_t words, const size_t *members, size_t count, size_t k, int64_t *out);

/*
 * Majority error of a symmetric single-factor probit ensemble (METHODS §11.7): m members with
 * error p and latent correlation ρ, the vote wrong when at least h = ⌈m/2⌉ members are wrong:
 *   E_m = ∫ φ(f) I_{π(f)}(h, m − h + 1) df,   π(f) = Φ((Φ⁻¹(p) − √ρ f)/√(1 − ρ)).
 * The integrand is a step of width w = 8√((1−ρ)/ρ)/√m at f* = Φ⁻¹(p)/√ρ: adaptive Gauss–Kronrod
 * (GSL qagp) on pieces split at f* − w, f*, f* + w and 0, to relative error `rel_tol`.
 * ρ = 0 gives the binomial tail, ρ = 1 gives p, m = 1 gives p. CF_EDOM for p outside [0, 1],
 * ρ outside [0, 1] or m < 1; CF_EMAXITER when the integration does not reach the tolerance.
 */
int cf_vote_majority_error(double p, double rho, int64_t m, double rel_tol, double *out);

/*
 * The same with heterogeneous members (τ_i = Φ⁻¹(p_i)): the binomial tail becomes the
 * Poisson-binomial tail P(Σ B_i >= h), B_i ~ Bernoulli(Φ((τ_i − √ρ f)/√(1 − ρ))), by the O(m²)
 * recursion at each node. With equal p_i it equals cf_vote_majority_error.
 */
int cf_vote_majority_error_het(const double *p, size_t m, double rho, double rel_tol, double *out);

#endif
