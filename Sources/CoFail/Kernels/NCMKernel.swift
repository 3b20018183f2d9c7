internal import CKernels

/// Eigenvalues and the nearest correlation matrix (METHODS §4, `cf_ncm.h`).
enum NCMKernel {
    struct Projection {
        /// The nearest correlation matrix, row-major d × d.
        var x: [Double]
        var iterations: Int
        var converged: Bool
        var frobenius: Double
        var minEigenvalueBefore: Double
        var negativeEigenvaluesBefore: Int
    }

    static func project(
        _ g: [Double], dimension d: Int, tolerance: Double, maxIterations: Int,
        memory: Int
    ) throws -> Projection {
        var x = [Double](repeating: 0, count: d * d)
        var info = cf_ncm_info()
        let status = cf_ncm_project(g, d, tolerance, maxIterations, memory, &x, &info)
        try kernelCheck(status, "cf_ncm_project", "the nearest correlation matrix of \(d) models")
        return Projection(
            x: x, iterations: Int(info.iterations), converged: info.converged != 0,
            frobenius: info.frobenius, minEigenvalueBefore: info.min_eig_before,
            negativeEigenvaluesBefore: Int(info.negative_before))
    }

    /// Eigenvalues of the symmetric d × d matrix `a`, ascending.
    static func eigenvalues(_ a: [Double], dimension d: Int) throws -> [Double] {
        var w = [Double](repeating: 0, count: d)
        try kernelCheck(cf_ncm_eigen_sym(a, d, &w, nil), "cf_ncm_eigen_sym", "the eigenvalues of \(d) models")
        return w
    }

    /// The correlation matrix with eigenvalues floored at `floor`, rescaled to unit diagonal.
    static func floored(_ r: [Double], dimension d: Int, floor: Double) throws -> [Double] {
        var out = [Double](repeating: 0, count: d * d)
        try kernelCheck(cf_ncm_floor(r, d, floor, &out), "cf_ncm_floor")
        return out
    }
}
