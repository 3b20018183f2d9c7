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
            let table = try ConfidenceSequenceTable(prior: cs, n: 2_000)
            for _ in 0..<2_000 {
                var s = 0
                var bits = [UInt64](repeating: 0, count: 2_000 / 64 + 1)
                var peekMissed = false
                for t in 1...2_000 {
                    let x = Double(rng.next() >> 11) * 0x1p-53 < rate
                    s += x ? 1 : 0
                    if x {
                        bits[(t - 1) >> 6] |= 1 << UInt64((t - 1) & 63)
                    }
                    // peeking needs checking only where the interval can move past the rate: every
                    // step for the first 100 draws, then every 10th
                    if peekMissed || (t > 100 && t % 10 != 0) {
                        continue
                    }
                    let (lo, hi) = try ClopperPearson.interval(successes: s, trials: t, alpha: delta)
                    peekMissed = rate < lo || rate > hi
                }
                // the running intersection over every t excludes the rate iff some interval did
                var stream = ConfidenceStream()
                var none: ConfidenceStream.Stops?
                var passage: [Int64] = []
                try stream.advance(
                    table: table, delta: delta, overhead: 0, bits: bits, column: 0, words: bits.count, exclude: nil,
                    to: 2_000, stops: &none, passage: &passage)
                csMisses += rate <= stream.lo || rate >= stream.hi ? 1 : 0
                peekMisses += peekMissed ? 1 : 0
            }
            #expect(Double(csMisses) / 2_000 <= delta, "rate \(rate): CS missed in \(csMisses) streams")
            #expect(Double(peekMisses) / 2_000 > delta, "rate \(rate): peeking CP missed in only \(peekMisses)")
        }
    }

    /// The streamed running intersection equals the intersection of `interval` at every t (a
    /// rate of 0.03 and one of 0.6, 3,000 draws, every t compared) to 1e-12.
    @Test func streamedIntersectionMatchesEveryInterval() throws {
        let cs = try ConfidenceSequence(a: 0.5, b: 0.5)
        let n = 3_000
        let table = try ConfidenceSequenceTable(prior: cs, n: n)
        for rate in [0.03, 0.6] {
            var rng = SplitMix64(state: 99)
            var bits = [UInt64](repeating: 0, count: n / 64 + 1)
            for q in 0..<n where Double(rng.next() >> 11) * 0x1p-53 < rate {
                bits[q >> 6] |= 1 << UInt64(q & 63)
            }
            var stops: ConfidenceStream.Stops? = ConfidenceStream.Stops(at: Array(1...n))
            var stream = ConfidenceStream()
            var passage = [Int64](repeating: 0, count: 10)
            try stream.advance(
                table: table, delta: 0.01, overhead: rate, bits: bits, column: 0, words: bits.count, exclude: nil,
                to: n, stops: &stops, passage: &passage)
            var lo = 0.0
            var hi = 1.0
            var s = 0
            for t in 1...n {
                s += Bits.get(bits, t - 1) ? 1 : 0
                let i = try cs.interval(successes: s, trials: t, delta: 0.01)
                lo = max(lo, i.lo)
                hi = min(hi, i.hi)
                #expect(stops!.s[t - 1] == s)
                #expect(abs(stops!.lo[t - 1] - lo) <= 1e-12, "t \(t): \(stops!.lo[t - 1]) vs \(lo)")
                #expect(abs(stops!.hi[t - 1] - hi) <= 1e-12, "t \(t): \(stops!.hi[t - 1]) vs \(hi)")
            }
            // the tenth success's t, and the true rate stays covered
            let successes = (0..<n).filter { (q: Int) -> Bool in Bits.get(bits, q) }
            let tenth = successes[9] + 1
            #expect(passage[9] == Int64(tenth))
            #expect(stream.firstEmpty == nil)
            #expect(stream.lo < rate && rate < stream.hi)
        }
    }
}
