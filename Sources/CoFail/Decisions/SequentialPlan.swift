import Foundation

/// How many graded queries the sequential certificate needs (METHODS §15.4): for a sample whose
/// every per-model headroom rate G_i equals `gain` exactly, the first t at which the level-δ/m
/// confidence sequence decides against the overhead o — `no_policy_can_pay` (u < o) when g < o,
/// `headroom_certified` (l ≥ o) when g > o — and, for the price of anytime validity, the first n at
/// which a one-sided Clopper–Pearson bound at δ/m would decide the same on a fixed sample. The
/// sample at t has ⌊g·t⌋ successes when g < o and ⌈g·t⌉ when g > o; for g > o the search starts at
/// t = ⌈1/g⌉, where a sample of rate g reaches its first success (before it, ⌈g·t⌉ = 1 would be a
/// rate of 1/t > g, and one success in one trial would "decide" any o ≤ δ/m).
public struct SequentialPlan: Sendable {
    /// Sample sizes searched: beyond this the plan is undefined (with its reason).
    public static let maxQueries = 1 << 40

    public let gain: Double
    public let overhead: Double
    public let models: Int
    public let delta: Double
    public let prior: ConfidenceSequence
    /// "no_policy_can_pay" (g < o) or "headroom_certified" (g > o).
    public let decision: String
    public let sequentialQueries: Int?
    public let fixedNQueries: Int?

    /// - Throws: `CoFailError.invalidParameter` for g or o outside [0, 1], g = o (no sample size
    ///   decides a rate equal to the overhead), fewer than one model or δ outside (0, 1).
    public init(
        gain g: Double, overhead o: Double, models m: Int = 1, delta: Double = 0.05, prior: ConfidenceSequence
    )
        throws
    {
        guard g >= 0, g <= 1 else {
            throw CoFailError.invalid("gain", g, "lie in [0, 1]")
        }
        guard o >= 0, o <= 1 else {
            throw CoFailError.invalid("overhead", o, "lie in [0, 1]")
        }
        guard g != o else {
            throw CoFailError.invalid(
                "gain", g, "differ from the overhead (a rate equal to o is never decided either way)")
        }
        guard m >= 1 else {
            throw CoFailError.invalid("models", m, "be at least 1")
        }
        guard delta > 0, delta < 1 else {
            throw CoFailError.invalid("delta", delta, "lie in (0, 1)")
        }
        gain = g
        overhead = o
        models = m
        self.delta = delta
        self.prior = prior
        let level = delta / Double(m)
        let below = g < o
        decision = below ? "no_policy_can_pay" : "headroom_certified"
        func successes(_ t: Int) -> Int {
            below ? Int((g * Double(t)).rounded(.down)) : min(t, Int((g * Double(t)).rounded(.up)))
        }
        let start = below ? 1 : max(1, Int((1 / g).rounded(.up)))
        sequentialQueries = try SequentialPlan.first(from: start) { t in
            let (lo, hi) = try prior.interval(successes: successes(t), trials: t, delta: level)
            return below ? hi < o : lo >= o
        }
        fixedNQueries = try SequentialPlan.first(from: start) { t in
            if below {
                return try ClopperPearson.interval(successes: successes(t), trials: t, alpha: 2 * level).hi < o
            }
            return try ClopperPearson.lower(successes: successes(t), trials: t, delta: level) >= o
        }
    }

    /// The first t ≥ `start` with `decides(t)`: t doubled from `start` until it decides, then the
    /// last doubling interval scanned linearly when it holds at most 10⁵ sizes, else bisected (the
    /// bounds move monotonically along the path up to the floor and ceiling steps). Nil beyond
    /// `maxQueries`.
    static func first(from start: Int, _ decides: (Int) throws -> Bool) throws -> Int? {
        var hi = start
        while try !decides(hi) {
            hi *= 2
            if hi > maxQueries {
                return nil
            }
        }
        if hi == start {
            return start
        }
        var lo = hi / 2
        if hi - lo <= 100_000 {
            var t = lo + 1
            while try t < hi && !decides(t) {
                t += 1
            }
            return t
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if try decides(mid) {
                hi = mid
            } else {
                lo = mid
            }
        }
        return hi
    }
}
