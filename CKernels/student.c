/* Student t quantiles (METHODS §11.5). */
#include "cf_student.h"
#include "internal.h"
#include <gsl/gsl_cdf.h>

int cf_student_quantile(double q, double df, double *out) {
    if (!out)
        return CF_EINVAL;
    if (!(q > 0 && q < 1) || !(df > 0))
        return CF_EDOM;
    double v = gsl_cdf_tdist_Pinv(q, df);
    if (!isfinite(v))
        return CF_EDOM;
    *out = v;
    return CF_OK;
}
