#ifndef CKERNELS_CS_H
#define CKERNELS_CS_H
#include "cf_common.h"

/* ---- confidence sequences for a Bernoulli rate (METHODS §15.2) ---- */

/*
 * log M_t(p) of the Beta(a, b)-mixture martingale (Robbins) after t observations with s
 * successes: log B(a + s, b + t − s) − log B(a, b) − s log p − (t − s) log(1 − p), log B by
 * lgamma. +INFINITY where p is 0 with s > 0 or 1 with s < t. CF_EINVAL for a NULL out; CF_EDOM
 * unless 0 <= s <= t, a > 0, b > 0 and 0 <= p <= 1 (NaN included).
 */
int cf_cs_log_m(double s, double t, double a, double b, double p, double *out);

/*
 * The level-δ confidence sequence's interval at (s, t): {p : M_t(p) < 1/δ} = (lo, hi). lo = 0
 * when s = 0 and hi = 1 when s = t; otherwise each end is the root of log M_t(p) = log(1/δ) on
 * its side of s/t (log M_t is convex in p with its minimum, at most 0, at s/t), found by Newton
 * steps kept inside a shrinking bracket, to 1e-12 absolute or better. With t = 0 the interval
 * is [0, 1]. CF_EINVAL for a NULL out; CF_EDOM unless 0 <= s <= t, a > 0, b > 0 and
 * 0 < δ < 1; CF_EMAXITER when a root is not bracketed to 1e-12 within the iteration cap.
 */
int cf_cs_interval(double s, double t, double a, double b, double delta, double *lo, double *hi);

#endif
