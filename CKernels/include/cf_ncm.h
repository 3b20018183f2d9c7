#ifndef CKERNELS_NCM_H
#define CKERNELS_NCM_H
#include "cf_common.h"

/* Eigenvalues (ascending) of the symmetric n x n matrix a (row-major; only symmetry assumed),
 * and eigenvectors as columns of z (n x n, row-major) when z is not NULL: LAPACK dsyevd for the
 * values alone (its QR path is the faster), dsyevr with vectors. CF_EINVAL for NULL a or w or
 * n = 0, CF_ENOMEM, CF_ELAPACK when LAPACK reports failure. */
int cf_ncm_eigen_sym(const double *a, size_t n, double *w, double *z);

typedef struct {
    size_t iterations; /* eigendecompositions used (implementation-specific) */
    int converged; /* 1 when max |diag(X) − 1| <= tol before max_iter */
    double residual; /* final max |diag(X) − 1| before the diagonal is set to 1 */
    double frobenius; /* ‖G − X‖_F */
    double min_eig_before; /* smallest eigenvalue of G */
    size_t negative_before; /* eigenvalues of G below −1e-10 */
} cf_ncm_info;

/*
 * Nearest correlation matrix in Frobenius norm (METHODS §4): X = (G + diag d)₊ where the
 * diagonal shift d solves diag((G + diag d)₊) = 1 (Higham 2002, alternating projections with
 * Dykstra's correction, written as a fixed point in d; Anderson acceleration after Higham &
 * Strabić 2016 with `memory` past steps, 0 = plain Dykstra). Each iteration finds only the
 * negative eigenpairs (LAPACK dsyevr by value range, ssyevr while far from converged), X is
 * formed from them by dsyrk, then given an exact unit diagonal.
 * Returns CF_OK also when not converged within max_iter (info->converged = 0).
 */
int cf_ncm_project(const double *g, size_t n, double tol, size_t max_iter, size_t memory, double *x, cf_ncm_info *info);

/* Floors the eigenvalues of the correlation matrix r at `floor` and rescales to unit diagonal,
 * so a Cholesky factor exists (the exact projection is singular): r plus (floor − λ)vvᵀ for
 * each eigenpair at or below the floor. */
int cf_ncm_floor(const double *r, size_t n, double floor, double *out);

#endif
