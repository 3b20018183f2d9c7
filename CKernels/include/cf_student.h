#ifndef CKERNELS_STUDENT_H
#define CKERNELS_STUDENT_H
#include "cf_common.h"

/*
 * Student t distribution (the jackknife intervals of METHODS §11.5).
 * cf_student_quantile: the q-quantile of t with `df` > 0 degrees of freedom (GSL
 * gsl_cdf_tdist_Pinv), CF_EDOM for q outside (0, 1) or df <= 0.
 */
int cf_student_quantile(double q, double df, double *out);

#endif
