import Foundation
import Numerics
import Testing

@testable import CoFail

/// The Beta-mixture confidence sequence (METHODS §15.2) against mpmath at 40 digits
/// (scripts/goldens/cs_mpmath.py: log B from loggamma, the ends by 200 bisection steps), at 24
/// (S, t, δ, a, b) points including S = 0, S = t, t = 1 and t = 10⁶.
@Suite struct ConfidenceSequenceTests {
    @Test func endsAgainstMpmath() throws {
        let rows = try golden("cs.csv")
        #expect(rows.count >= 20)
        for row in rows {
            let cs = try ConfidenceSequence(a: num(row, "a"), b: num(row, "b"))
            let s = Int(num(row, "s"))
            let t = Int(num(row, "t"))
            let (lo, hi) = try cs.interval(successes: s, trials: t, delta: num(row, "delta"))
            #expect(lo.isApproximatelyEqual(to: num(row, "lo"), absoluteTolerance: 1e-10), "\(row) lo \(lo)")
            #expect(hi.isApproximatelyEqual(to: num(row, "hi"), absoluteTolerance: 1e-10), "\(row) hi \(hi)")
            let m = try cs.logM(successes: s, trials: t, at: 0.5)
            #expect(
                m.isApproximatelyEqual(
                    to: num(row, "log_m_at_half"), absoluteTolerance: 1e-9, relativeTolerance: 1e-13),
                "\(row)")
        }
    }

    /// Anytime validity by simulation: over 2,000 seeded Bernoulli streams of 2,000 draws at two
    /// rates, the share whose running interval ever excludes the true rate stays at or below δ,
    /// while a Clopper–Pearson interval recomputed after every draw (peeking) excludes it in more
    /// than δ of the streams.
    @Test func coverageAtEveryStepAndPeekingFails() throws {
        let cs = try ConfidenceSequence()
        let delta = 0.05
        for rate in [0.1, 0.5] {
            var csMisses = 0
            var peekMisses = 0
            var rng = SplitMix64(state: UInt64(rate * 1000))
            for _ in 0..<2_000 {
                var s = 0
                var csMissed = false
                var peekMissed = false
                for t in 1...2_000 {
                    s += Double(rng.next() >> 11) * 0x1p-53 < rate ? 1 : 0
                    // the bounds only need checking where they can move past the rate: every step
                    // for the first 100 draws, then every 10th (the CS is checked at the same t)
                    if t > 100 && t % 10 != 0 {
                        continue
                    }
                    if !csMissed {
                        let (lo, hi) = try cs.interval(successes: s, trials: t, delta: delta)
                        csMissed = rate <= lo || rate >= hi
                    }
                    if !peekMissed {
                        let (lo, hi) = try ClopperPearson.interval(successes: s, trials: t, alpha: delta)
                        peekMissed = rate < lo || rate > hi
                    }
                }
                csMisses += csMissed ? 1 : 0
                peekMisses += peekMissed ? 1 : 0
            }
            #expect(Double(csMisses) / 2_000 <= delta, "rate \(rate): CS missed in \(csMisses) streams")
            #expect(Double(peekMisses) / 2_000 > delta, "rate \(rate): peeking CP missed in only \(peekMisses)")
        }
    }
}
