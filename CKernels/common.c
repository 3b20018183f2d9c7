#include "cf_common.h"
#include "internal.h"
#include <pthread.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>

const char *cf_strerror(int status) {
    switch (status) {
    case CF_OK:
        return "ok";
    case CF_EINVAL:
        return "invalid argument (null pointer or inconsistent size)";
    case CF_EDOM:
        return "argument outside the function's domain";
    case CF_ENOTPD:
        return "matrix is not positive definite";
    case CF_EMAXITER:
        return "iteration limit reached before convergence";
    case CF_ENOMEM:
        return "out of memory";
    case CF_ELAPACK:
        return "LAPACK reported a failure";
    case CF_EUNDEF:
        return "quantity is undefined for this input";
    case CF_ETHREAD:
        return "could not start a worker thread";
    default:
        return "unknown status";
    }
}

/* Provided by OpenBLAS; declared here so no OpenBLAS-specific header is needed. */
extern void openblas_set_num_threads(int num_threads);
extern int openblas_get_num_threads(void);
/* OpenBLAS's pthread build: stops the pool's workers (weak: absent from other builds). */
extern int blas_thread_shutdown_(void) __attribute__((weak));

/* Process-wide settings, made once when the library is loaded and never changed afterwards:
 *  - GSL's default error handler aborts the process; it is switched off, so no path can reach
 *    it, and every GSL call site maps GSL's status to a CF_* status instead.
 *  - OpenBLAS's thread pool is fixed at CF_BLAS_THREADS. Its size is process-global and
 *    changes the last bits of LAPACK results; fixing it once (rather than setting it around
 *    calls, which races with any concurrent caller) makes every result independent of the
 *    engines' thread counts and of scheduling. With one BLAS thread the pool that OpenBLAS
 *    started when it loaded is never used, yet its workers spin (sched_yield) for a while after
 *    start-up, taking a core from the engines' own threads: it is shut down. */
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_impl(void) {
    gsl_set_error_handler_off();
    openblas_set_num_threads(CF_BLAS_THREADS);
    if (CF_BLAS_THREADS == 1 && blas_thread_shutdown_)
        blas_thread_shutdown_();
}

__attribute__((constructor)) static void cf_load(void) {
    cf_init();
}

void cf_init(void) {
    pthread_once(&init_once, init_impl);
}

int cf_blas_threads(void) {
    return openblas_get_num_threads();
}

static int cmp_ascending(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void cf_sort_ascending(double *x, size_t n) {
    if (n > 64) {
        qsort(x, n, sizeof *x, cmp_ascending);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        double v = x[i];
        size_t j = i;
        for (; j > 0 && x[j - 1] > v; j--)
            x[j] = x[j - 1];
        x[j] = v;
    }
}

int cf_brent(cf_scalar_fn f, void *ctx, double a, double b, double fa, double fb, double xtol, int max_iter,
             double *root) {
    if (fa == 0) {
        *root = a;
        return CF_OK;
    }
    if (fb == 0) {
        *root = b;
        return CF_OK;
    }
    if ((fa > 0) == (fb > 0) || isnan(fa) || isnan(fb))
        return CF_EDOM;
    double c = a, fc = fa, d = b - a, e = d;
    for (int it = 0; it < max_iter; it++) {
        if ((fb > 0) == (fc > 0)) {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if (fabs(fc) < fabs(fb)) {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        double tol = 2 * 2.2e-16 * fabs(b) + 0.5 * xtol;
        double m = 0.5 * (c - b);
        if (fabs(m) <= tol || fb == 0) {
            *root = b;
            return CF_OK;
        }
        if (fabs(e) >= tol && fabs(fa) > fabs(fb)) {
            double s = fb / fa, p, q;
            if (a == c) {
                p = 2 * m * s;
                q = 1 - s;
            } else {
                double qq = fa / fc, r = fb / fc;
                p = s * (2 * m * qq * (qq - r) - (b - a) * (r - 1));
                q = (qq - 1) * (r - 1) * (s - 1);
            }
            if (p > 0)
                q = -q;
            else
                p = -p;
            if (2 * p < fmin(3 * m * q - fabs(tol * q), fabs(e * q))) {
                e = d;
                d = p / q;
            } else {
                d = m;
                e = m;
            }
        } else {
            d = m;
            e = m;
        }
        a = b;
        fa = fb;
        b += fabs(d) > tol ? d : (m > 0 ? tol : -tol);
        fb = f(b, ctx);
        if (isnan(fb))
            return CF_EDOM;
    }
    *root = b;
    return CF_EMAXITER;
}

typedef struct {
    void (*fn)(void *, size_t);
    void *arg;
    size_t t;
} job_t;
static void *job_main(void *p) {
    job_t *j = p;
    j->fn(j->arg, j->t);
    return NULL;
}

int cf_parallel(size_t threads, void (*fn)(void *arg, size_t t), void *arg) {
    if (threads <= 1) {
        fn(arg, 0);
        return CF_OK;
    }
    pthread_t *tid = malloc(threads * sizeof *tid);
    job_t *jobs = malloc(threads * sizeof *jobs);
    if (!tid || !jobs) {
        free(tid);
        free(jobs);
        return CF_ENOMEM;
    }
    size_t started = 0;
    int status = CF_OK;
    for (size_t t = 1; t < threads; t++) {
        jobs[t] = (job_t){fn, arg, t};
        if (pthread_create(&tid[t], NULL, job_main, &jobs[t]) != 0) {
            status = CF_ETHREAD;
            break;
        }
        started = t;
    }
    /* The calling thread does share 0 even when a spawn failed, so no work is skipped: the
     * shares of threads that never started are run here too. */
    fn(arg, 0);
    for (size_t t = started + 1; t < threads; t++)
        fn(arg, t);
    for (size_t t = 1; t <= started; t++)
        pthread_join(tid[t], NULL);
    free(tid);
    free(jobs);
    return status == CF_ETHREAD ? CF_OK : status;
}
