#ifndef CKERNELS_TABLES_H
#define CKERNELS_TABLES_H
#include "cf_common.h"

/*
 * 2x2 error tables from bit-packed columns (METHODS §2).
 * `bits` holds m columns of `words` 64-bit words each (column c at bits + c*words); bit q of a
 * column is 1 when the model erred on query q. Padding bits past n must be 0.
 *
 * cf_tables_gram writes the m x m symmetric matrix G with G[i][j] = n11 (both wrong) and
 * G[i][i] = number of errors of model i. The other cells follow:
 * n10 = G[i][i] - G[i][j], n01 = G[j][j] - G[i][j], n00 = n - G[i][i] - G[j][j] + G[i][j].
 * Work is split over at most `threads` threads.
 */
int cf_tables_gram(const uint64_t *bits, size_t words, size_t m, size_t threads, int64_t *gram);

/*
 * Intersection of the listed columns (all of them when idx is NULL, else idx[0..count-1]):
 * writes the AND into `and_out` (words entries, may be NULL) and its popcount to *k.
 */
int cf_tables_all_wrong(const uint64_t *bits, size_t words, size_t m, const size_t *idx, size_t count,
                        uint64_t *and_out, int64_t *k);

/* popcount(a & ~b) over `words` words: e.g. the best model's errors that some model resolves. */
int64_t cf_tables_popcount_andnot(const uint64_t *a, const uint64_t *b, size_t words);
/* popcount over `words` words. */
int64_t cf_tables_popcount(const uint64_t *a, size_t words);

/*
 * The same bits query by query: row q (of n) holds ceil(m/64) words, bit i mod 64 of word i/64
 * set when column i's bit q is. `rows` has n·ceil(m/64) words and is overwritten (padding
 * zeroed). What a resample gathers from: a row is one load per 64 models.
 */
int cf_tables_rows(const uint64_t *bits, size_t words, size_t m, size_t n, uint64_t *rows);

/*
 * Bootstrap resample from the rows of cf_tables_rows (n_rows of them): out column c, bit j =
 * row idx[j], bit c, for j < n_out. `out` has m columns of ceil(n_out/64) words and is
 * overwritten (padding zeroed). CF_EDOM for an index >= n_rows.
 */
int cf_tables_gather_rows(const uint64_t *rows, size_t n_rows, size_t m, const uint32_t *idx, size_t n_out,
                          uint64_t *out);

/*
 * Gram matrix of a column subset restricted to a query mask (pool-size scans with the
 * complete-coverage policy per subset): gram[a][b] = popcount(mask & E[cols[a]] & E[cols[b]]).
 */
int cf_tables_gram_subset(const uint64_t *bits, size_t words, const size_t *cols, size_t k, const uint64_t *mask,
                          int64_t *gram);

/*
 * Sum and count of the non-NaN entries r[cols[a]·m + cols[b]], a < b, of an m × m matrix: the
 * pair sum of a column subset (pool-size scans take each subset's mean tetrachoric from the
 * full matrix's fits, NaN marking undefined pairs). The sum runs over a, then b, in four lanes
 * chosen by b mod 4 and combined as (0 + 1) + (2 + 3): the order of every other pair mean, so
 * the result is bit for bit the sum over the subset's own fits. CF_EINVAL for a column >= m.
 */
int cf_tables_pair_sum(const double *r, size_t m, const size_t *cols, size_t k, double *sum, int64_t *count);

/*
 * The three pair means' sums over every pair a < b of an m × m fit whose r is not NaN (the
 * defined pairs), in the same lane order: sums[0] of r, sums[1] of phi, sums[2] of the co-error
 * gram[a·m + b]/n, and their count. CF_EINVAL for a negative n.
 */
int cf_tables_pair_means(const double *r, const double *phi, const int64_t *gram, size_t m, int64_t n, double *sums,
                         int64_t *count);

#endif
