/* 2x2 error tables from bit-packed columns by popcount (METHODS §2). */
#include "cf_tables.h"
#include "internal.h"

#if defined(__x86_64__) || defined(__i386__)
#define CF_HAVE_POPCNT_DISPATCH 1
__attribute__((target("popcnt"))) static int64_t and_count_hw(const uint64_t *a, const uint64_t *b, size_t words) {
    int64_t s = 0;
    for (size_t w = 0; w < words; w++)
        s += __builtin_popcountll(a[w] & b[w]);
    return s;
}
#endif

static int64_t and_count_sw(const uint64_t *a, const uint64_t *b, size_t words) {
    int64_t s = 0;
    for (size_t w = 0; w < words; w++)
        s += __builtin_popcountll(a[w] & b[w]);
    return s;
}

typedef int64_t (*and_count_fn)(const uint64_t *, const uint64_t *, size_t);

static and_count_fn pick_and_count(void) {
#ifdef CF_HAVE_POPCNT_DISPATCH
    if (__builtin_cpu_supports("popcnt"))
        return and_count_hw;
#endif
    return and_count_sw;
}

int64_t cf_tables_popcount(const uint64_t *a, size_t words) {
    int64_t s = 0;
    for (size_t w = 0; w < words; w++)
        s += __builtin_popcountll(a[w]);
    return s;
}

int64_t cf_tables_popcount_andnot(const uint64_t *a, const uint64_t *b, size_t words) {
    int64_t s = 0;
    for (size_t w = 0; w < words; w++)
        s += __builtin_popcountll(a[w] & ~b[w]);
    return s;
}

/* Columns are processed in word blocks so the block of every column stays in cache while
 * all pairs are counted; rows i are dealt to threads cyclically (row i has m - i pairs). */
enum { GRAM_BLOCK_WORDS = 512 };

typedef struct {
    const uint64_t *bits;
    size_t words, m, threads;
    int64_t *gram;
    and_count_fn count;
} gram_job;

static void gram_worker(void *arg, size_t t) {
    gram_job *g = arg;
    for (size_t w0 = 0; w0 < g->words; w0 += GRAM_BLOCK_WORDS) {
        size_t len = g->words - w0 < GRAM_BLOCK_WORDS ? g->words - w0 : GRAM_BLOCK_WORDS;
        for (size_t i = t; i < g->m; i += g->threads) {
            const uint64_t *ci = g->bits + i * g->words + w0;
            int64_t *row = g->gram + i * g->m;
            for (size_t j = i; j < g->m; j++)
                row[j] += g->count(ci, g->bits + j * g->words + w0, len);
        }
    }
}

int cf_tables_gram(const uint64_t *bits, size_t words, size_t m, size_t threads, int64_t *gram) {
    if (!gram || m == 0 || (!bits && words > 0))
        return CF_EINVAL;
    if (threads < 1)
        threads = 1;
    if (threads > m)
        threads = m;
    for (size_t i = 0; i < m * m; i++)
        gram[i] = 0;
    gram_job job = {bits, words, m, threads, gram, pick_and_count()};
    int st = cf_parallel(threads, gram_worker, &job);
    if (st != CF_OK)
        return st;
    for (size_t i = 0; i < m; i++)
        for (size_t j = i + 1; j < m; j++)
            gram[j * m + i] = gram[i * m + j];
    return CF_OK;
}

int cf_tables_all_wrong(const uint64_t *bits, size_t words, size_t m, const size_t *idx, size_t count,
                        uint64_t *and_out, int64_t *k) {
    if (!k || (!bits && words > 0))
        return CF_EINVAL;
    size_t cols = idx ? count : m;
    if (cols == 0)
        return CF_EINVAL;
    for (size_t c = 0; c < cols; c++)
        if ((idx ? idx[c] : c) >= m)
            return CF_EINVAL;
    int64_t total = 0;
    for (size_t w = 0; w < words; w++) {
        uint64_t acc = ~(uint64_t)0;
        for (size_t c = 0; c < cols && acc; c++)
            acc &= bits[(idx ? idx[c] : c) * words + w];
        if (and_out)
            and_out[w] = acc;
        total += __builtin_popcountll(acc);
    }
    *k = total;
    return CF_OK;
}

/* The 64 × 64 bit block x transposed in place: bit c of x[j] goes to bit j of x[c]. Each round
 * swaps the off-diagonal j × j sub-blocks of every 2j × 2j block (bits j…2j−1 of row k with bits
 * 0…j−1 of row k + j), for j = 32, 16, …, 1. */
static void transpose64(uint64_t *x) {
    uint64_t mask = 0x00000000ffffffffULL;
    for (unsigned j = 32; j != 0; j >>= 1, mask ^= mask << j)
        for (unsigned k = 0; k < 64; k = (k + j + 1) & ~j) {
            uint64_t t = ((x[k] >> j) ^ x[k + j]) & mask;
            x[k] ^= t << j;
            x[k + j] ^= t;
        }
}

int cf_tables_rows(const uint64_t *bits, size_t words, size_t m, size_t n, uint64_t *rows) {
    if (!bits || !rows || m == 0 || n > words * 64)
        return CF_EINVAL;
    size_t rw = (m + 63) / 64;
    uint64_t x[64];
    for (size_t w = 0; w * 64 < n; w++)
        for (size_t g = 0; g < rw; g++) {
            for (size_t i = 0; i < 64; i++)
                x[i] = 64 * g + i < m ? bits[(64 * g + i) * words + w] : 0;
            transpose64(x);
            for (size_t j = 0; j < 64 && 64 * w + j < n; j++)
                rows[(64 * w + j) * rw + g] = x[j];
        }
    return CF_OK;
}

int cf_tables_gather_rows(const uint64_t *rows, size_t n_rows, size_t m, const uint32_t *idx, size_t n_out,
                          uint64_t *out) {
    if (!rows || !idx || !out || m == 0)
        return CF_EINVAL;
    for (size_t j = 0; j < n_out; j++)
        if ((size_t)idx[j] >= n_rows)
            return CF_EDOM;
    size_t rw = (m + 63) / 64, ow = (n_out + 63) / 64;
    uint64_t x[64];
    for (size_t b = 0; b < ow; b++)
        for (size_t g = 0; g < rw; g++) {
            for (size_t j = 0; j < 64; j++)
                x[j] = 64 * b + j < n_out ? rows[(size_t)idx[64 * b + j] * rw + g] : 0;
            transpose64(x);
            for (size_t i = 0; i < 64 && 64 * g + i < m; i++)
                out[(64 * g + i) * ow + b] = x[i];
        }
    return CF_OK;
}

int cf_tables_gram_subset(const uint64_t *bits, size_t words, const size_t *cols, size_t k, const uint64_t *mask,
                          int64_t *gram) {
    if (!bits || !cols || !mask || !gram || k == 0)
        return CF_EINVAL;
    for (size_t a = 0; a < k; a++) {
        const uint64_t *ca = bits + cols[a] * words;
        for (size_t b = a; b < k; b++) {
            const uint64_t *cb = bits + cols[b] * words;
            int64_t s = 0;
            for (size_t w = 0; w < words; w++)
                s += __builtin_popcountll(mask[w] & ca[w] & cb[w]);
            gram[a * k + b] = gram[b * k + a] = s;
        }
    }
    return CF_OK;
}

/* One vector of four pair values into the lane sums: x's lanes where ok is all ones, +0 elsewhere,
 * which leaves a lane that starts at +0 unchanged bit for bit. PAIR_ADD masks a vector by its own
 * NaNs (undefined pairs), which are not counted. (Macros: vector arguments would change the
 * baseline ABI.) */
#define PAIR_ADD_MASKED(s, ok, x)                                                                                      \
    do {                                                                                                               \
        (s) += (cf_v4d)((cf_v4i)(x) & (ok));                                                                           \
    } while (0)

#define PAIR_ADD(s, n, v)                                                                                              \
    do {                                                                                                               \
        cf_v4i ok_ = (v) == (v);                                                                                       \
        PAIR_ADD_MASKED(s, ok_, v);                                                                                    \
        (n) -= ok_;                                                                                                    \
    } while (0)

/* The subset's rows are scattered over a matrix larger than the core's caches, and each row's
 * entries are read once: the next row's entries are prefetched while this row is summed, so
 * the loads wait on no miss. The four lanes are one vector; the partial vectors at a row's ends
 * hold NaN in the lanes outside it. */
CF_SIMD_CLONES
int cf_tables_pair_sum(const double *r, size_t m, const size_t *cols, size_t k, double *sum, int64_t *count) {
    if (!r || !cols || !sum || !count)
        return CF_EINVAL;
    for (size_t a = 0; a < k; a++)
        if (cols[a] >= m)
            return CF_EINVAL;
    cf_v4d s = {0, 0, 0, 0};
    cf_v4i n = {0, 0, 0, 0};
    for (size_t a = 0; a + 1 < k; a++) {
        const double *row = r + cols[a] * m;
        const double *next = r + cols[a + 1] * m;
        size_t b = a + 1, head = (b + 3) & ~(size_t)3;
        cf_v4d v = {NAN, NAN, NAN, NAN};
        for (; b < k && b < head; b++) {
            __builtin_prefetch(next + cols[b]);
            v[b & 3] = row[cols[b]];
        }
        PAIR_ADD(s, n, v);
        for (; b + 3 < k; b += 4) {
            const size_t *c = cols + b;
            __builtin_prefetch(next + c[0]);
            __builtin_prefetch(next + c[2]);
            cf_v4d x = {row[c[0]], row[c[1]], row[c[2]], row[c[3]]};
            PAIR_ADD(s, n, x);
        }
        cf_v4d t = {NAN, NAN, NAN, NAN};
        for (; b < k; b++)
            t[b & 3] = row[cols[b]];
        PAIR_ADD(s, n, t);
    }
    *sum = (s[0] + s[1]) + (s[2] + s[3]);
    *count = n[0] + n[1] + n[2] + n[3];
    return CF_OK;
}

CF_SIMD_CLONES
int cf_tables_pair_means(const double *r, const double *phi, const int64_t *gram, size_t m, int64_t n, double *sums,
                         int64_t *count) {
    if (!r || !phi || !gram || !sums || !count || n < 0)
        return CF_EINVAL;
    double dn = (double)n;
    cf_v4d sr = {0, 0, 0, 0}, sp = {0, 0, 0, 0}, sc = {0, 0, 0, 0};
    cf_v4i cnt = {0, 0, 0, 0};
    for (size_t a = 0; a + 1 < m; a++) {
        const double *ra = r + a * m, *pa = phi + a * m;
        const int64_t *ga = gram + a * m;
        /* lanes b & 3 of the blocks [4j, 4j + 4) that meet (a, m): NaN in r outside the row's pairs */
        for (size_t b0 = (a + 1) & ~(size_t)3; b0 < m; b0 += 4) {
            cf_v4d x = {NAN, NAN, NAN, NAN}, y = {0, 0, 0, 0}, z = {0, 0, 0, 0};
            for (size_t l = 0; l < 4; l++) {
                size_t b = b0 + l;
                if (b > a && b < m) {
                    x[l] = ra[b];
                    y[l] = pa[b];
                    z[l] = (double)ga[b] / dn;
                }
            }
            cf_v4i ok = x == x; /* φ and the co-error count where r is defined */
            PAIR_ADD(sr, cnt, x);
            PAIR_ADD_MASKED(sp, ok, y);
            PAIR_ADD_MASKED(sc, ok, z);
        }
    }
    sums[0] = (sr[0] + sr[1]) + (sr[2] + sr[3]);
    sums[1] = (sp[0] + sp[1]) + (sp[2] + sp[3]);
    sums[2] = (sc[0] + sc[1]) + (sc[2] + sc[3]);
    *count = cnt[0] + cnt[1] + cnt[2] + cnt[3];
    return CF_OK;
}
