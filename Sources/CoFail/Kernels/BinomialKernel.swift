internal import CKernels

/// Exact Clopper–Pearson bounds of a binomial proportion (METHODS §1, `cf_binom.h`).
enum ClopperPearson {
    /// Two-sided (1 − alpha) interval for k successes in n trials.
    static func interval(successes k: Int, trials n: Int, alpha: Double) throws -> (lo: Double, hi: Double) {
        var lo = 0.0
        var hi = 0.0
        try kernelCheck(
            cf_binom_cp_interval(Int64(k), Int64(n), alpha, &lo, &hi), "cf_binom_cp_interval",
            "the Clopper–Pearson interval of \(k)/\(n)")
        return (lo, hi)
    }

    /// One-sided lower bound at risk delta.
    static func lower(successes k: Int, trials n: Int, delta: Double) throws -> Double {
        var lo = 0.0
        try kernelCheck(
            cf_binom_cp_lower(Int64(k), Int64(n), delta, &lo), "cf_binom_cp_lower",
            "the Clopper–Pearson lower bound of \(k)/\(n)")
        return lo
    }
}
