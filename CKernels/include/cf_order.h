#ifndef CKERNELS_ORDER_H
#define CKERNELS_ORDER_H
#include "cf_common.h"

/*
 * Sorting permutations of doubles (the cascade's confidence order, METHODS §13.11).
 *
 * cf_order_f64: order[0..n) = the indices of x in ascending order of value, stable (equal
 * values keep index order), by an LSD radix sort on the order-preserving 64-bit image of each
 * double (6 passes of 11 bits; passes whose digit is constant are skipped). -0 sorts before +0.
 * `work` must hold 2n uint64 and `work_index` n uint32 (caller-owned). CF_EINVAL for NULL
 * buffers with n > 0 or n ≥ 2^32; CF_EDOM when a value is NaN.
 */
int cf_order_f64(const double *x, size_t n, uint32_t *order, uint64_t *work, uint32_t *work_index);

#endif
