#ifndef CKERNELS_INTERNAL_H
#define CKERNELS_INTERNAL_H
/* Helpers shared by the kernels; not part of the public interface. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#define CF_SQRT2PI 2.50662827463100050242
#define CF_LOG_SQRT2PI 0.91893853320467274178
#define CF_SQRT1_2 0.70710678118654752440

typedef double (*cf_scalar_fn)(double x, void *ctx);

/*
 * Brent's root finder on [a, b] with f(a), f(b) of opposite signs (or one of them zero).
 * Stops when the bracket is narrower than xtol (absolute) or f hits 0.
 * Returns CF_OK, CF_EDOM (no sign change) or CF_EMAXITER.
 */
int cf_brent(cf_scalar_fn f, void *ctx, double a, double b, double fa, double fb,
             double xtol, int max_iter, double *root);

/* Run fn(arg, t) for t in [0, threads) on pthreads (inline when threads == 1). */
int cf_parallel(size_t threads, void (*fn)(void *arg, size_t t), void *arg);

/* cf_bvn_solve_r with a Newton start r0 (ignored when not finite or |r0| >= 1). */
int cf_bvn_solve_r_start(double h, double k, double p, double r0, double *r_out);

/* Fast inverse for |r| < 0.925 (Newton in asin r with incremental integration); CF_EDOM otherwise. */
int cf_bvn_solve_r_arc(double h, double k, double p, double r0, double *r_out);

static inline double cf_clamp01(double x) { return x < 0 ? 0 : (x > 1 ? 1 : x); }

#endif
