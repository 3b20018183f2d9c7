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

/* ---- streaming: the running intersection of one rate's sequence, query by query ---- */

/*
 * The lgamma differences of the Beta ratio for every count up to n, so that a stream needs no
 * lgamma call: lga[k] = lgamma(a + k) − lgamma(a), lgb[k] = lgamma(b + k) − lgamma(b) and
 * lgab[k] = lgamma(a + b + k) − lgamma(a + b), k = 0..n; then log B(a + s, b + t − s) − log B(a, b) =
 * lga[s] + lgb[t − s] − lgab[t].
 */
typedef struct {
    size_t n;
    double a, b;
    const double *lga, *lgb, *lgab;
} cf_cs_table;

/* Fills the three arrays of n + 1 entries. CF_EINVAL for a NULL array; CF_EDOM unless a > 0 and
 * b > 0 are finite. */
int cf_cs_table_fill(double a, double b, size_t n, double *lga, double *lgb, double *lgab);

/* One rate's stream: t observations with s successes, the running intersection (lo, hi) of
 * every interval so far ([0, 1] at t = 0), and the first t (1-based; 0 while none) at which
 * hi < o, lo >= o and lo > hi (the sequence is empty). */
typedef struct {
    int64_t t, s;
    double lo, hi;
    int64_t t_hi_below, t_lo_reached, t_empty;
} cf_cs_stream;

/*
 * Advances `st` over observations st->t .. t_end − 1: observation q is bit q % 64 of word q / 64 of
 * `bits`, cleared where the same bit of `exclude` (NULL: none) is set. The intersection's ends move
 * only where the new interval cuts them, which an O(1) test of log M_t at the current end decides
 * (the table gives the Beta ratio); the new end is then the root of log M_t = log(1/δ) found by
 * Newton from the old end inside its bracket, to 1e-12 absolute or better. After observation
 * stops[j] − 1 (stops ascending, 1-based counts; those outside (st->t, t_end] are passed over) the
 * stream's s, lo and hi are written to stop_s[j], stop_lo[j], stop_hi[j]. When `passage` is not
 * NULL, each success that brings s to v <= npassage raises passage[v − 1] to its t (the maximum over
 * several streams is the first t at which all of them reached v). CF_EINVAL for a NULL table,
 * stream or bits, stops without outputs, or t_end beyond the table; CF_EDOM unless 0 < δ < 1,
 * 0 <= o <= 1 and the stream is consistent (0 <= s <= t <= t_end, 0 <= lo, hi <= 1); CF_EMAXITER
 * when a root is not found within the iteration cap (the stream then stops at that observation).
 */
int cf_cs_stream_advance(
    const cf_cs_table *table, double delta, double o, const uint64_t *bits, const uint64_t *exclude, int64_t t_end,
    const int64_t *stops, size_t nstops, int64_t *stop_s, double *stop_lo, double *stop_hi, int64_t *passage,
    size_t npassage, cf_cs_stream *st);

#endif
