internal import CKernels

/// Why a pair's correlations are or are not defined (`CF_PAIR_*` of `cf_tetrachoric.h`).
public enum PairStatus: Int32, Sendable {
    case ok = 0
    /// Defined; a zero cell was replaced by 0.5 (psych's rule, METHODS §2).
    case corrected = 1
    /// A model of the pair is never wrong (p = 0).
    case neverWrong = 2
    /// A model of the pair is always wrong (p = 1).
    case alwaysWrong = 3
    /// No queries.
    case empty = 4
    /// Defined; the target sat a rounding error outside the attainable range, so r = ±1.
    case boundary = 5
    /// The Φ₂⁻¹ solver hit its iteration cap: r undefined.
    case unconverged = 6

    public var isDefined: Bool {
        self == .ok || self == .corrected || self == .boundary
    }
}

/// Every pair's tetrachoric root linearised at a full sample (`cf_tetrachoric_warm`): resamples
/// of the same matrix start each solve within O(Δ²) of its root, and solve it to `rootTolerance`
/// in θ = asin r (0: to the solver's full precision).
public struct TetrachoricWarmStart: Sendable {
    let pairs: [cf_tetra_warm]
    let rootTolerance: Double
}

/// Tetrachoric and φ correlations of every pair from a Gram matrix (METHODS §2).
enum TetrachoricKernel {
    struct Fit {
        /// m × m, unit diagonal, NaN where undefined (never reported raw).
        var r: [Double]
        var phi: [Double]
        var status: [PairStatus]
    }

    static func fit(
        gram: [Int64], models m: Int, queries n: Int, correction: Bool, warm: TetrachoricWarmStart?,
        threads: Int
    ) throws -> Fit {
        var r = [Double](repeating: 0, count: m * m)
        var phi = [Double](repeating: 0, count: m * m)
        var flags = [Int32](repeating: 0, count: m * m)
        let status = cf_tetrachoric_matrix(
            gram, m, Int64(n), correction ? 1 : 0, warm?.pairs, warm?.rootTolerance ?? 0, max(1, threads),
            &r, &phi, &flags)
        try kernelCheck(status, "cf_tetrachoric_matrix", "the tetrachoric correlations of \(m) models")
        return Fit(r: r, phi: phi, status: flags.map { PairStatus(rawValue: $0) ?? .unconverged })
    }

    static func warmStart(
        gram: [Int64], models m: Int, queries n: Int, correction: Bool,
        r: [Double], rootTolerance: Double
    ) throws -> TetrachoricWarmStart {
        var w = [cf_tetra_warm](repeating: cf_tetra_warm(), count: m * m)
        try kernelCheck(cf_tetrachoric_warm(gram, m, Int64(n), correction ? 1 : 0, r, &w), "cf_tetrachoric_warm")
        return TetrachoricWarmStart(pairs: w, rootTolerance: rootTolerance)
    }
}
