/* Philox4x32-10 counter-based generator (Salmon, Moraes, Dror & Shaw 2011). */
#include "cf_rng.h"
#include "cf_bvn.h"
#include "internal.h"

enum { PHILOX_ROUNDS = 10 };
static const uint32_t PHILOX_M0 = 0xD2511F53u, PHILOX_M1 = 0xCD9E8D57u;
static const uint32_t PHILOX_W0 = 0x9E3779B9u, PHILOX_W1 = 0xBB67AE85u;

static uint64_t splitmix_finish(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t cf_rng_key(uint64_t seed, uint32_t domain, uint64_t unit) {
    uint64_t z = splitmix_finish(seed + 0x9E3779B97F4A7C15ull * ((uint64_t)domain + 1));
    return splitmix_finish(z ^ (unit * 0xD1B54A32D192ED03ull + 0x8CB92BA72F3D8DD7ull));
}

void cf_philox4x32(uint64_t key, uint64_t stream, uint64_t index, uint32_t out[4]) {
    uint32_t c0 = (uint32_t)index;
    uint32_t c1 = (uint32_t)(index >> 32);
    uint32_t c2 = (uint32_t)stream;
    uint32_t c3 = (uint32_t)(stream >> 32);
    uint32_t k0 = (uint32_t)key;
    uint32_t k1 = (uint32_t)(key >> 32);
    for (int r = 0; r < PHILOX_ROUNDS; r++) {
        uint64_t p0 = (uint64_t)PHILOX_M0 * c0;
        uint64_t p1 = (uint64_t)PHILOX_M1 * c2;
        uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
        uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
        c1 = (uint32_t)p1;
        c3 = (uint32_t)p0;
        c0 = n0;
        c2 = n2;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

void cf_rng_uniform2(uint64_t key, uint64_t stream, uint64_t index, double out[2]) {
    uint32_t w[4];
    cf_philox4x32(key, stream, index, w);
    uint64_t a = ((uint64_t)w[0] << 32 | w[1]) >> 11;
    uint64_t b = ((uint64_t)w[2] << 32 | w[3]) >> 11;
    out[0] = ((double)a + 0.5) * 0x1p-53;
    out[1] = ((double)b + 0.5) * 0x1p-53;
}

double cf_rng_normal(uint64_t key, uint64_t stream, uint64_t k) {
    double u[2];
    cf_rng_uniform2(key, stream, k >> 1, u);
    return cf_norm_quantile(u[k & 1]);
}

void cf_rng_bootstrap_indices(uint64_t key, size_t n, uint32_t *idx) {
    double u[2];
    for (size_t j = 0; j < n; j += 2) {
        cf_rng_uniform2(key, 0, j >> 1, u);
        idx[j] = (uint32_t)(u[0] * (double)n);
        if (j + 1 < n)
            idx[j + 1] = (uint32_t)(u[1] * (double)n);
    }
}

void cf_rng_uniform_streams(uint64_t key, uint64_t first, size_t n, double *out) {
    double u[2];
    for (size_t q = 0; q < n; q++) {
        cf_rng_uniform2(key, first + q, 0, u);
        out[q] = u[0];
    }
}
