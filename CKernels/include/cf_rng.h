#ifndef CKERNELS_RNG_H
#define CKERNELS_RNG_H
#include "cf_common.h"

/*
 * Counter-based random numbers: Philox4x32-10 (Salmon et al., SC'11). A draw is a pure
 * function of (key, stream, index), so results do not depend on thread count or schedule.
 *
 * Every consumer draws from its own key: cf_rng_key(seed, domain, unit) hashes the user's
 * seed, the consumer's domain and the work unit (bootstrap replicate, scan subset, …) into
 * Philox's 64-bit key. The 128-bit counter carries (stream, index): a stream within the
 * unit (a QMC shift, a Monte Carlo draw, a query) and a position within that stream. Two
 * consumers therefore never share numbers, whatever their unit and stream numbers.
 */

/* The consumers of random numbers; each has its own part of the key space. */
enum {
    CF_DOMAIN_RESAMPLE = 1, /* bootstrap resampling of queries (unit = replicate) */
    CF_DOMAIN_CRUDE_MC = 2, /* crude Monte Carlo of β_full (unit = statistic unit, stream = draw) */
    CF_DOMAIN_QMC_SHIFT = 3, /* random shifts of the tilted QMC estimator (unit, stream = shift) */
    CF_DOMAIN_SUBSET = 4, /* random model subsets (unit = subset) */
    CF_DOMAIN_SYNTHETIC = 5, /* synthetic matrices (stream = query) */
    CF_DOMAIN_MISSING = 6, /* missing cells of synthetic matrices (stream = query) */
    CF_DOMAIN_NOISE = 7, /* noise injection (unit = level and replicate, stream = query) */
    CF_DOMAIN_CONFIDENCE = 8, /* simulated confidences (unit = model, stream = query) */
};

/* Philox key of (seed, domain, unit): SplitMix64 finalisers chained over the three values. */
uint64_t cf_rng_key(uint64_t seed, uint32_t domain, uint64_t unit);

/* Four 32-bit words for (key, counter = (stream, index)). */
void cf_philox4x32(uint64_t key, uint64_t stream, uint64_t index, uint32_t out[4]);

/* Two uniforms in (0, 1) (53-bit, never 0 or 1) for (key, stream, index). */
void cf_rng_uniform2(uint64_t key, uint64_t stream, uint64_t index, double out[2]);

/* Standard normal number `k` of stream `stream` (inverse-CDF transform of a uniform). */
double cf_rng_normal(uint64_t key, uint64_t stream, uint64_t k);

/* n bootstrap indices uniform on [0, n) from stream 0 of `key`: floor(u·n) with 53-bit u
 * (bias < n/2^53). */
void cf_rng_bootstrap_indices(uint64_t key, size_t n, uint32_t *idx);

/* out[q] = the first uniform of (key, stream first + q, index 0), q < n: one number per item
 * (a query), independent of how many items are drawn. */
void cf_rng_uniform_streams(uint64_t key, uint64_t first, size_t n, double *out);

#endif
