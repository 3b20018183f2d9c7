internal import CKernels

/// An estimate with its standard error (GSL's `_e` habit): every estimator returns both.
public struct Estimate: Sendable, Equatable {
    public var value: Double
    /// log of the estimate; −∞ when it is 0 (kept so tiny probabilities stay representable).
    public var logValue: Double
    public var standardError: Double
    public var relativeStandardError: Double
    /// Draws or points used.
    public var samples: Int
    /// Crude Monte Carlo: draws inside the region; otherwise 0.
    public var hits: Int

    init(_ e: cf_estimate) {
        value = e.val
        logValue = e.log_val
        standardError = e.se
        relativeStandardError = e.rel_se
        samples = Int(e.samples)
        hits = Int(e.hits)
    }
}

/// Gaussian orthant probabilities P(Z ≤ τ), Z ~ N(0, R) (METHODS §4, `cf_orthant.h`).
enum OrthantKernel {
    /// Crude Monte Carlo; draw t uses stream t of `key`.
    static func crudeMonteCarlo(
        correlation r: [Double], thresholds tau: [Double], key: RandomKey, draws: Int,
        threads: Int
    ) throws -> Estimate {
        var e = cf_estimate()
        let status = cf_orthant_mc(r, tau, tau.count, key.value, UInt64(draws), max(1, threads), &e)
        try kernelCheck(status, "cf_orthant_mc", "β_full by crude Monte Carlo in \(tau.count) dimensions")
        return Estimate(e)
    }

    /// Botev's minimax-tilted estimator; shift s uses stream s of `key`. Each of the `shifts`
    /// shifts' lattices is extended from `points` points until the relative standard error is
    /// ≤ `relTarget` or `maxPoints` points have run in all.
    static func tilted(
        correlation r: [Double], thresholds tau: [Double], key: RandomKey, points: Int, shifts: Int,
        relTarget: Double, maxPoints: Int, threads: Int
    ) throws -> Estimate {
        var e = cf_estimate()
        let status = cf_orthant_tilted_target(
            r, tau, tau.count, key.value, points, shifts, relTarget, max(points * shifts, maxPoints), max(1, threads),
            &e)
        try kernelCheck(status, "cf_orthant_tilted_target", "the tilted estimator in \(tau.count) dimensions")
        return Estimate(e)
    }
}
