/* Clayton copula calibration and closed forms (METHODS §5). */
#include "cf_clayton.h"
#include "internal.h"
#include <stdlib.h>

/* log(Σ u_i^−θ − m + 1) from log u_i <= 0: Σ u^−θ − (m − 1) = 1 + Σ expm1(−θ log u_i),
 * which keeps full precision as θ → 0; for large θ the largest term is factored out. */
static double clayton_log_s(const double *logu, size_t m, double theta) {
    double mx = 0;
    for (size_t i = 0; i < m; i++)
        mx = fmax(mx, -theta * logu[i]);
    if (mx < 700) {
        double s = 0;
        for (size_t i = 0; i < m; i++)
            s += expm1(-theta * logu[i]);
        return log1p(s);
    }
    double s = 0;
    for (size_t i = 0; i < m; i++)
        s += exp(-theta * logu[i] - mx);
    s -= (double)(m - 1) * exp(-mx);
    return mx + log(s);
}

int cf_clayton_log_joint(const double *u, size_t m, double theta, double *log_c) {
    if (!u || !log_c || m == 0)
        return CF_EINVAL;
    if (!(theta > 0) || isinf(theta))
        return CF_EDOM;
    int zero = 0;
    for (size_t i = 0; i < m; i++) {
        if (!(u[i] >= 0 && u[i] <= 1))
            return CF_EDOM;
        if (u[i] == 0)
            zero = 1;
    }
    if (zero) {
        *log_c = -INFINITY;
        return CF_OK;
    }
    double *logu = malloc(m * sizeof *logu);
    if (!logu)
        return CF_ENOMEM;
    for (size_t i = 0; i < m; i++)
        logu[i] = log(u[i]);
    *log_c = -clayton_log_s(logu, m, theta) / theta;
    free(logu);
    return CF_OK;
}

typedef struct {
    const double *logp;
    size_t m;
    double target;
} cal_ctx;

/* mean over pairs of C(p_i, p_j; θ) minus the target, as a function of log θ. */
static double cal_gap(double log_theta, void *ctx) {
    cal_ctx *c = ctx;
    double theta = exp(log_theta), sum = 0, pair[2];
    size_t pairs = 0;
    for (size_t i = 0; i < c->m; i++)
        for (size_t j = i + 1; j < c->m; j++) {
            pair[0] = c->logp[i];
            pair[1] = c->logp[j];
            sum += exp(-clayton_log_s(pair, 2, theta) / theta);
            pairs++;
        }
    return sum / (double)pairs - c->target;
}

int cf_clayton_calibrate(const double *p, size_t m, double mean_co_error, double *theta, int *why) {
    if (!p || !theta || !why)
        return CF_EINVAL;
    *theta = NAN;
    if (m < 2) {
        *why = CF_THETA_TOO_FEW;
        return CF_OK;
    }
    if (!(mean_co_error >= 0 && mean_co_error <= 1))
        return CF_EDOM;
    double indep = 0, comono = 0;
    size_t pairs = 0;
    for (size_t i = 0; i < m; i++)
        if (!(p[i] > 0 && p[i] < 1))
            return CF_EDOM;
    for (size_t i = 0; i < m; i++)
        for (size_t j = i + 1; j < m; j++) {
            indep += p[i] * p[j];
            comono += fmin(p[i], p[j]);
            pairs++;
        }
    indep /= (double)pairs;
    comono /= (double)pairs;
    if (mean_co_error <= indep) {
        *why = CF_THETA_AT_OR_BELOW_INDEPENDENCE;
        return CF_OK;
    }
    if (mean_co_error >= comono) {
        *why = CF_THETA_ABOVE_COMONOTONE;
        return CF_OK;
    }
    double *logp = malloc(m * sizeof *logp);
    if (!logp)
        return CF_ENOMEM;
    for (size_t i = 0; i < m; i++)
        logp[i] = log(p[i]);
    cal_ctx c = {logp, m, mean_co_error};
    double a = -2, b = 2, fa = cal_gap(a, &c), fb = cal_gap(b, &c);
    while (fa > 0 && a > -60) {
        a -= 4;
        fa = cal_gap(a, &c);
    }
    while (fb < 0 && b < 60) {
        b += 4;
        fb = cal_gap(b, &c);
    }
    double lt;
    int st = cf_brent(cal_gap, &c, a, b, fa, fb, 1e-12, 300, &lt);
    free(logp);
    if (st == CF_EDOM) {
        /* The target sits within rounding of an end of the attainable range. */
        *why = fa > 0 ? CF_THETA_AT_OR_BELOW_INDEPENDENCE : CF_THETA_ABOVE_COMONOTONE;
        return CF_OK;
    }
    if (st != CF_OK)
        return st;
    *why = CF_THETA_OK;
    *theta = exp(lt);
    return CF_OK;
}
