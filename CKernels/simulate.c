/* Synthetic outcome matrices from the laws of METHODS §8, drawn across threads. */
#include "cf_simulate.h"
#include "cf_bvn.h"
#include "cf_rng.h"
#include "internal.h"
#include <stdlib.h>
#include <string.h>

/* Uniforms of one query's stream, two per Philox call, consumed in order. */
typedef struct {
    uint64_t key, stream, next;
    double buf[2];
    int have;
} ustream;

static double u_next(ustream *s) {
    if (!s->have) {
        cf_rng_uniform2(s->key, s->stream, s->next++, s->buf);
        s->have = 2;
    }
    return s->buf[2 - s->have--];
}

/* Gamma(shape, 1) by Marsaglia & Tsang (2000); shape < 1 via Gamma(shape+1)·U^(1/shape). */
static double gamma_draw(ustream *s, double shape) {
    if (shape < 1) {
        double g = gamma_draw(s, shape + 1);
        return g * pow(u_next(s), 1 / shape);
    }
    double d = shape - 1.0 / 3.0, c = 1 / cf_sqrt(9 * d);
    for (;;) {
        double x = cf_norm_quantile(u_next(s)), v = 1 + c * x;
        if (v <= 0)
            continue;
        v = v * v * v;
        double u = u_next(s);
        if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
            return d * v;
    }
}

typedef struct {
    int law;
    const double *param, *loading;
    double *tau, pi, theta, missing;
    size_t n, m, words, threads;
    uint64_t key, missing_key;
    uint64_t *errors, *answered;
    double *latent;
} sim_job;

static void sim_worker(void *arg, size_t t) {
    sim_job *j = arg;
    /* whole 64-query words per thread, so no two threads write the same word */
    for (size_t w = t; w < j->words; w += j->threads) {
        size_t q0 = w * 64, q1 = q0 + 64 < j->n ? q0 + 64 : j->n;
        for (size_t q = q0; q < q1; q++) {
            ustream s = {j->key, q, 0, {0, 0}, 0};
            ustream miss = {j->missing_key, q, 0, {0, 0}, 0};
            uint64_t bit = (uint64_t)1 << (q & 63);
            int shock = 0;
            double v = 0, f = 0;
            if (j->law == CF_LAW_SHOCK)
                shock = u_next(&s) < j->pi;
            else if (j->law == CF_LAW_CLAYTON)
                v = gamma_draw(&s, 1 / j->theta);
            else
                f = cf_norm_quantile(u_next(&s));
            for (size_t i = 0; i < j->m; i++) {
                int err;
                if (j->law == CF_LAW_SHOCK) {
                    double u = u_next(&s);
                    err = shock || u < j->param[i];
                } else if (j->law == CF_LAW_CLAYTON) {
                    double e = -log(u_next(&s));
                    err = -log1p(e / v) / j->theta <= log(j->param[i]);
                } else {
                    double l = j->loading[i], eps = cf_norm_quantile(u_next(&s));
                    double z = l * f + cf_sqrt((1 - l) * (1 + l)) * eps;
                    err = z <= j->tau[i];
                    if (j->latent)
                        j->latent[q * j->m + i] = z;
                }
                int missing = j->missing > 0 && u_next(&miss) < j->missing;
                if (!missing)
                    j->answered[i * j->words + w] |= bit;
                if (err && !missing)
                    j->errors[i * j->words + w] |= bit;
            }
        }
    }
}

int cf_simulate_matrix(int law, const double *param, const double *loading, double pi, double theta, size_t n, size_t m,
                       double missing, uint64_t seed, size_t threads, uint64_t *errors, uint64_t *answered,
                       double *latent) {
    if (!param || !errors || !answered || n == 0 || m == 0)
        return CF_EINVAL;
    if (law < CF_LAW_SHOCK || law > CF_LAW_FACTOR)
        return CF_EDOM;
    if (latent && law != CF_LAW_FACTOR)
        return CF_EINVAL;
    if (!(missing >= 0 && missing < 1))
        return CF_EDOM;
    for (size_t i = 0; i < m; i++)
        if (!(param[i] >= 0 && param[i] <= 1))
            return CF_EDOM;
    if (law == CF_LAW_SHOCK && !(pi >= 0 && pi <= 1))
        return CF_EDOM;
    if (law == CF_LAW_CLAYTON && !(theta > 0 && isfinite(theta)))
        return CF_EDOM;
    if (law == CF_LAW_FACTOR) {
        if (!loading)
            return CF_EINVAL;
        for (size_t i = 0; i < m; i++)
            if (!(loading[i] >= 0 && loading[i] <= 1))
                return CF_EDOM;
    }
    size_t words = (n + 63) / 64;
    memset(errors, 0, m * words * sizeof *errors);
    memset(answered, 0, m * words * sizeof *answered);
    double *tau = malloc(m * sizeof *tau);
    if (!tau)
        return CF_ENOMEM;
    for (size_t i = 0; i < m; i++)
        tau[i] = cf_norm_quantile(param[i]);
    if (threads < 1)
        threads = 1;
    if (threads > words)
        threads = words;
    uint64_t key = cf_rng_key(seed, CF_DOMAIN_SYNTHETIC, 0);
    uint64_t missing_key = cf_rng_key(seed, CF_DOMAIN_MISSING, 0);
    sim_job job = {law, param, loading, tau, pi, theta, missing, n, m, words, threads, key, missing_key, errors,
                   answered, latent};
    int st = cf_parallel(threads, sim_worker, &job);
    free(tau);
    return st;
}
