#ifndef CKERNELS_COMMON_H
#define CKERNELS_COMMON_H
/*
 * Shared conventions of every cofail kernel.
 *  - Functions return an int status (CF_OK = 0, negative = failure) and write results
 *    through caller-owned out-pointers; the exceptions, documented where declared, are pure
 *    scalar functions that cannot fail (cf_norm_*, cf_rng_normal, cf_bvn_cdf_raw) and return
 *    their value. No kernel prints, exits, aborts or keeps state.
 *  - Buffers are flat, row-major, with sizes passed as size_t.
 *  - Threads used inside a kernel are bounded by an explicit `threads` argument.
 *  - Estimators return a value together with its standard error (cf_estimate).
 */
#include <stddef.h>
#include <stdint.h>

enum {
    CF_OK = 0,
    CF_EINVAL = -1, /* a pointer is NULL or a size is zero/inconsistent */
    CF_EDOM = -2, /* an argument is outside the function's domain (NaN, |r| > 1, p outside [0,1], ...) */
    CF_ENOTPD = -3, /* a matrix that must be positive (semi)definite is not */
    CF_EMAXITER = -4, /* an iteration hit its limit before converging */
    CF_ENOMEM = -5, /* a workspace allocation failed */
    CF_ELAPACK = -6, /* LAPACK reported failure */
    CF_EUNDEF = -7, /* the quantity is mathematically undefined for this input */
    CF_ETHREAD = -8, /* a worker thread could not be started */
};

/* Human-readable text for a status code (static storage). */
const char *cf_strerror(int status);

/* An estimate with its standard error; `log_val` keeps tiny values representable. */
typedef struct {
    double val; /* estimate (may underflow to 0 when log_val is finite) */
    double log_val; /* natural log of the estimate; -INFINITY when the estimate is 0 */
    double se; /* standard error of val */
    double rel_se; /* se / val (INFINITY when val == 0) */
    uint64_t samples; /* draws or points used */
    uint64_t hits; /* crude MC: draws inside the region; otherwise 0 */
} cf_estimate;

/* OpenBLAS threads used by the LAPACK calls of the kernels. One: the engines run their own
 * threads, and a larger OpenBLAS pool keeps its workers spinning after each call, taking cores
 * from units that make no BLAS call at all. Only the NCM of very large pools would gain from
 * more. */
#define CF_BLAS_THREADS 1

/* Process-wide set-up, run by itself when the library is loaded (idempotent, thread-safe):
 * switches GSL's aborting error handler off and fixes OpenBLAS's pool at CF_BLAS_THREADS.
 * Nothing in the library changes either afterwards. */
void cf_init(void);

/* OpenBLAS's current pool size (CF_BLAS_THREADS unless the host program changed it). */
int cf_blas_threads(void);

#endif
