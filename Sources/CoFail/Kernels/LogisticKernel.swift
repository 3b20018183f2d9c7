internal import CKernels

/// Rows of a sparse matrix in CSR form: row r's entries are `col[rowptr[r] ..< rowptr[r + 1]]` with
/// values `val[...]`, columns below `columns`.
struct SparseRows: Sendable {
    var rowptr: [Int64] = [0]
    var col: [Int32] = []
    var val: [Double] = []
    var columns: Int

    init(columns: Int) {
        self.columns = columns
    }

    var count: Int { rowptr.count - 1 }

    /// Appends a row of (column, value) entries.
    mutating func append<S: Sequence>(_ entries: S) where S.Element == (Int32, Double) {
        for (c, v) in entries {
            col.append(c)
            val.append(v)
        }
        rowptr.append(Int64(col.count))
    }

    /// The entries of row r.
    func row(_ r: Int) -> Range<Int> { Int(rowptr[r])..<Int(rowptr[r + 1]) }
}

/// L2-regularised logistic regression with an unpenalised intercept (`cf_logistic.h`).
enum LogisticKernel {
    struct Fit: Sendable {
        var weights: [Double]
        var intercept: Double
        var gradientNorm: Double
        var iterations: Int
    }

    /// Minimises Σ logloss(y, σ(x·w + b)) + (λ/2)‖w‖² to ‖∇‖∞ ≤ `tol`; y must hold both 0 and 1.
    static func fit(
        _ x: SparseRows, _ y: [UInt8], lambda: Double, tol: Double = 1e-8, maxNewton: Int = 100
    ) throws
        -> Fit
    {
        precondition(y.count == x.count)
        var w = [Double](repeating: 0, count: x.columns)
        var work = [Double](repeating: 0, count: 5 * x.columns + 3 * x.count)
        var b = 0.0
        var gn = 0.0
        var it: Int32 = 0
        try kernelCheck(
            cf_logistic_fit(
                x.count, x.columns, x.rowptr, x.col, x.val, y, lambda, tol, Int32(maxNewton), &work, &w, &b, &gn, &it),
            "cf_logistic_fit", "a logistic router on \(x.count) queries")
        return Fit(weights: w, intercept: b, gradientNorm: gn, iterations: Int(it))
    }
}
