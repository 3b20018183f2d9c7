#ifndef CKERNELS_RNG_H
#define CKERNELS_RNG_H
#include "cf_common.h"

/*
 * Counter-based random numbers: Philox4x32-10 (Salmon et al., SC'11). A draw is a pure
 * function of (seed, stream, index), so results do not depend on thread count or schedule.
 * `stream` is e.g. a replicate, subset or Monte Carlo draw number; `index` counts within it.
 */

/* Four 32-bit words for (key = seed, counter = (stream, index)). */
void cf_philox4x32(uint64_t seed, uint64_t stream, uint64_t index, uint32_t out[4]);

/* Two uniforms in (0, 1) (53-bit, never 0 or 1) for (seed, stream, index). */
void cf_rng_uniform2(uint64_t seed, uint64_t stream, uint64_t index, double out[2]);

/* Standard normal number `k` of stream `stream` (inverse-CDF transform of a uniform). */
double cf_rng_normal(uint64_t seed, uint64_t stream, uint64_t k);

/* n bootstrap indices uniform on [0, n) for replicate `replicate` (stream), Lemire-free:
 * floor(u·n) with 53-bit u (bias < n/2^53). */
void cf_rng_bootstrap_indices(uint64_t seed, uint64_t replicate, size_t n, uint32_t *idx);

#endif
