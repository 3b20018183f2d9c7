#ifndef CKERNELS_TETRACHORIC_H
#define CKERNELS_TETRACHORIC_H
#include "cf_common.h"

/* Why a pairwise statistic is undefined. */
enum {
    CF_PAIR_OK = 0,
    CF_PAIR_CORRECTED = 1, /* defined; a zero cell was replaced by 0.5 */
    CF_PAIR_NEVER_WRONG = 2, /* a model of the pair has p = 0 */
    CF_PAIR_ALWAYS_WRONG = 3, /* a model of the pair has p = 1 */
    CF_PAIR_EMPTY = 4, /* n = 0 */
    CF_PAIR_BOUNDARY = 5, /* defined; the target sat a rounding error outside the attainable
                                    range, so r is the boundary ±1 */
    CF_PAIR_UNCONVERGED = 6, /* the Φ₂⁻¹ solver hit its iteration cap: r undefined */
};

typedef struct {
    double r; /* tetrachoric correlation; NaN when the flag says undefined */
    double phi; /* Pearson correlation of the error indicators (same undefined cases) */
    double tau_i; /* Φ⁻¹(p_i) */
    double tau_j; /* Φ⁻¹(p_j) */
    int flag; /* CF_PAIR_* */
} cf_pair_stat;

/*
 * Two-step ML tetrachoric correlation of one 2x2 error table (METHODS §2). Counts are doubles
 * so bootstrap weights can be used. Thresholds come from the uncorrected margins; with
 * `correct` != 0 each zero cell is replaced by 0.5 and r maximises the 2x2 log-likelihood
 * (root in P11, then Φ₂⁻¹); with correct == 0 a zero cell puts r at ±1.
 * Accuracy: |Φ₂(τ_i, τ_j; r) - P11*| <= 1e-15, i.e. r to ~1e-12 or better away from |r| = 1.
 * `r_start` (NaN for none) warm-starts Newton. Returns CF_OK also for undefined pairs
 * (see flag); CF_EDOM for negative counts.
 */
int cf_tetrachoric_pair(double n11, double n10, double n01, double n00, int correct, double r_start, cf_pair_stat *out);

/*
 * A pair's root expanded at the full sample, to warm-start resamples: θ = asin r at
 * (h, k, p) = (τ_i, τ_j, target P11), the first derivatives of θ in each and the second ones
 * (hh, hk, kk, hp, kp, pp), by the implicit function theorem on Φ₂(h, k; sin θ) = p, and the
 * third ones (hhh, hhk, hkk, kkk, hhp, hkp, kkp, hpp, kpp, ppp) by central differences of the
 * second ones at roots solved a step away (zero when such a root is not found). A resample's start
 * is the third-order Taylor polynomial in Δ = (Δh, Δk, Δp), within O(Δ⁴) of its root. theta is
 * NaN when the pair is undefined or its root lies outside |r| < 0.925.
 */
typedef struct {
    double theta, h, k, p, dtheta_dh, dtheta_dk, dtheta_dp;
    double d2theta[6];
    double d3theta[10];
} cf_tetra_warm;

/* Fills warm (m x m; entry a*m + b for each pair) from a Gram matrix and its tetrachoric r.
 * CF_EINVAL for a NULL array or m = 0, CF_EDOM for a Gram matrix that is not counts over n queries
 * (as cf_tetrachoric_matrix), CF_ENOMEM. */
int cf_tetrachoric_warm(const int64_t *gram, size_t m, int64_t n, int correct, const double *r, cf_tetra_warm *warm);

/*
 * All pairs from a Gram matrix (cf_tables_gram) over n queries: writes m x m matrices r and phi
 * (unit diagonal; NaN where undefined) and flags (CF_PAIR_*; diagonal CF_PAIR_OK unless the
 * model is degenerate). `warm` (m x m from cf_tetrachoric_warm, may be NULL) warm-starts each
 * pair. root_tol = 0 solves every root to the solver's precision (|ΔΦ₂| <= 2e-15); root_tol > 0
 * stops a root once its estimated error in θ = asin r is below root_tol (resamples).
 * Threads bounded. CF_EINVAL for a NULL array, m = 0 or a negative root_tol; CF_EDOM when the
 * Gram matrix is not a set of counts over n queries (n <= 0, a count outside [0, n], a pair count
 * above either margin or margins that do not fit n); CF_ENOMEM.
 */
int cf_tetrachoric_matrix(const int64_t *gram, size_t m, int64_t n, int correct, const cf_tetra_warm *warm,
                          double root_tol, size_t threads, double *r, double *phi, int *flags);

#endif
