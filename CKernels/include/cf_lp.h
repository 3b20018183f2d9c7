#ifndef CKERNELS_LP_H
#define CKERNELS_LP_H
#include "cf_common.h"
/*
 * Linear programmes of METHODS §8 (Prop. 3), solved by a dense two-phase simplex.
 */
/*
 * Smallest and largest β = w_m over exchangeable joint laws of m models with marginal error p
 * and pairwise co-error c: the linear programme over w_t = P(exactly t models wrong), t = 0..m,
 * Σ w_t = 1, Σ (t/m) w_t = p, Σ t(t−1)/(m(m−1)) w_t = c, w >= 0. Two-phase dense simplex with
 * Bland's rule (three equality rows). CF_EUNDEF when no such law exists.
 */
int cf_lp_frechet_bounds(size_t m, double p, double c, double *beta_min, double *beta_max);

#endif
