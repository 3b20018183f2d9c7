/* Clopper–Pearson bounds (METHODS §1). */
#include "cf_binom.h"
#include "internal.h"
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_result.h>

/*
 * Beta quantile B⁻¹(x; a, b): the p with I_p(a, b) = x. gsl_cdf_beta_Pinv returns NaN or
 * wrong values for some (a, b) met here (e.g. a = 1, large b), so we invert the regularised
 * incomplete beta ourselves: Newton with the Beta density as derivative, inside a bracket that
 * every evaluation shrinks; bisection (geometric far from the answer) when Newton leaves it.
 */
static int beta_quantile(double x, double a, double b, double *out) {
    double lo = 0, hi = 1, lnb = gsl_sf_lnbeta(a, b);
    /* Start near the mean; Newton corrects quickly once inside the bracket. */
    double p = a / (a + b);
    int converged = 0;
    for (int it = 0; it < 400 && !converged; it++) {
        gsl_sf_result r;
        /* A non-zero status with a finite value is GSL flagging underflow: the value (0 or
         * tiny) is still the right side of the bracket test. */
        if (gsl_sf_beta_inc_e(a, b, p, &r) != 0 && !isfinite(r.val))
            return CF_EDOM;
        double f = r.val - x;
        if (f == 0) {
            converged = 1;
            break;
        }
        if (f < 0)
            lo = p;
        else
            hi = p;
        double dens = exp((a - 1) * log(p) + (b - 1) * log1p(-p) - lnb);
        double next = dens > 0 ? p - f / dens : NAN;
        if (!(next > lo && next < hi)) {
            if (lo == 0)
                next = hi / 16; /* head for small quantiles fast */
            else if (hi == 1)
                next = 1 - (1 - lo) / 16;
            else if (hi / lo > 4)
                next = cf_sqrt(lo * hi);
            else
                next = 0.5 * (lo + hi);
        }
        double step = fabs(next - p);
        p = next;
        if (step <= 4e-16 * p || hi - lo <= 4e-16 * hi)
            converged = 1;
    }
    *out = p;
    return converged ? CF_OK : CF_EMAXITER;
}

int cf_binom_cp_lower(int64_t k, int64_t n, double delta, double *lo) {
    if (!lo)
        return CF_EINVAL;
    if (n < 1 || k < 0 || k > n || !(delta > 0 && delta < 1))
        return CF_EDOM;
    cf_init();
    if (k == 0) {
        *lo = 0;
        return CF_OK;
    }
    return beta_quantile(delta, (double)k, (double)(n - k + 1), lo);
}

int cf_binom_cp_interval(int64_t k, int64_t n, double alpha, double *lo, double *hi) {
    if (!lo || !hi)
        return CF_EINVAL;
    if (n < 1 || k < 0 || k > n || !(alpha > 0 && alpha < 1))
        return CF_EDOM;
    int st = cf_binom_cp_lower(k, n, alpha / 2, lo);
    if (st != CF_OK)
        return st;
    if (k == n) {
        *hi = 1;
        return CF_OK;
    }
    /* Upper bound through the symmetry I_p(a, b) = 1 − I_{1−p}(b, a), so the small tail
     * probability α/2 is targeted directly rather than as 1 − α/2. */
    double q;
    st = beta_quantile(alpha / 2, (double)(n - k), (double)(k + 1), &q);
    *hi = 1 - q;
    return st;
}
