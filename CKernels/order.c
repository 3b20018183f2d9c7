/* Stable radix ordering of doubles (cf_order.h). */
#include "cf_order.h"
#include "internal.h"
#include <string.h>

/* Digits of 11 bits: six passes cover the 64-bit key with 2048 counters (in L1). */
#define RADIX_BITS 11
#define RADIX_PASSES 6
#define RADIX_BUCKETS (1 << RADIX_BITS)
#define RADIX_MASK ((uint64_t)RADIX_BUCKETS - 1)

/* Order-preserving map of a double's bits: flip every bit of negatives, the sign of the rest. */
static inline uint64_t sortable(double v) {
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return (u >> 63) ? ~u : (u | 0x8000000000000000ULL);
}

int cf_order_f64(const double *x, size_t n, uint32_t *order, uint64_t *work, uint32_t *work_index) {
    if (n == 0)
        return CF_OK;
    if (!x || !order || !work || !work_index || n >= ((size_t)1 << 32))
        return CF_EINVAL;
    uint64_t *keys = work;
    uint64_t *keys2 = work + n;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            return CF_EDOM;
        keys[i] = sortable(x[i]);
        order[i] = (uint32_t)i;
    }
    uint32_t *idx = order;
    uint32_t *idx2 = work_index;
    size_t count[RADIX_BUCKETS]; /* 16 KiB on the stack: re-entrant */
    for (int pass = 0; pass < RADIX_PASSES; pass++) {
        const int shift = RADIX_BITS * pass;
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++)
            count[(keys[i] >> shift) & RADIX_MASK]++;
        if (count[(keys[0] >> shift) & RADIX_MASK] == n)
            continue; /* every key has this digit: the pass would not move anything */
        size_t sum = 0;
        for (int b = 0; b < RADIX_BUCKETS; b++) {
            size_t c = count[b];
            count[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) {
            size_t d = count[(keys[i] >> shift) & RADIX_MASK]++;
            keys2[d] = keys[i];
            idx2[d] = idx[i];
        }
        uint64_t *tk = keys;
        keys = keys2;
        keys2 = tk;
        uint32_t *ti = idx;
        idx = idx2;
        idx2 = ti;
    }
    if (idx != order)
        memcpy(order, idx, n * sizeof *order);
    return CF_OK;
}
