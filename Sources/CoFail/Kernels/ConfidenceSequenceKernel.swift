internal import CKernels

/// The Beta(a, b)-mixture confidence sequence for a Bernoulli rate (METHODS §15.2, `cf_cs.h`):
/// valid at every sample size at once (Ville's inequality), so it may be read after every query.
public struct ConfidenceSequence: Sendable, Equatable {
    /// The mixing prior's Beta parameters (METHODS §15.2: ½, ½ by default).
    public let a: Double
    public let b: Double

    /// - Throws: `CoFailError.invalidParameter` (`prior`) unless both are positive and finite.
    public init(a: Double = 0.5, b: Double = 0.5) throws {
        guard a > 0, b > 0, a.isFinite, b.isFinite else {
            throw CoFailError.invalid("prior", "\(a),\(b)", "be two positive numbers a,b")
        }
        self.a = a
        self.b = b
    }

    /// log M_t(p) after t observations with s successes (+∞ where p excludes the data outright).
    public func logM(successes s: Int, trials t: Int, at p: Double) throws -> Double {
        var out = 0.0
        try kernelCheck(cf_cs_log_m(Double(s), Double(t), a, b, p, &out), "cf_cs_log_m", "log M at \(s)/\(t)")
        return out
    }

    /// The level-δ interval {p : M_t(p) < 1/δ} after t observations with s successes, its ends to
    /// 1e-12 absolute ([0, 1] before any observation).
    public func interval(successes s: Int, trials t: Int, delta: Double) throws -> (lo: Double, hi: Double) {
        var lo = 0.0
        var hi = 1.0
        try kernelCheck(
            cf_cs_interval(Double(s), Double(t), a, b, delta, &lo, &hi), "cf_cs_interval",
            "the confidence sequence at \(s)/\(t)")
        return (lo, hi)
    }
}
