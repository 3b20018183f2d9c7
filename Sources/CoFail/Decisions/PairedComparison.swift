import Foundation

/// The Part III paired comparison of a policy P with a baseline B on the same out-of-fold queries
/// (METHODS Part III conventions): d_q = c_q(P) − c_q(B), the gain's normal interval, the discordant
/// counts, the exact two-sided McNemar p-value and the verdict against an overhead o.
public struct PairedComparison: Sendable {
    public enum Verdict: String, Sendable {
        case pays
        case doesNotPay = "does_not_pay"
        case undetermined
    }

    public let gain: Double
    public let se: Quantity
    public let ciLo: Quantity
    public let ciHi: Quantity
    public let discordantWins: Int
    public let discordantLosses: Int
    public let mcnemarP: Quantity
    public let verdict: Verdict?
    public let verdictReason: String?

    /// - Parameters: `policy` and `baseline` are the per-query correctness (a mixture baseline's
    ///   expectation may lie strictly between 0 and 1, which leaves McNemar undefined).
    public init(policy: [Double], baseline: [Double], alpha: Double, overhead: Double) {
        precondition(policy.count == baseline.count && !policy.isEmpty)
        let n = policy.count
        var sum = CompensatedSum()
        var wins = 0
        var losses = 0
        var binary = true
        for q in 0..<n {
            let d = policy[q] - baseline[q]
            sum.add(d)
            if d == 1 {
                wins += 1
            } else if d == -1 {
                losses += 1
            } else if d != 0 {
                binary = false
            }
        }
        let mean = sum.value / Double(n)
        gain = mean
        discordantWins = wins
        discordantLosses = losses
        if n < 2 {
            let why = "one query: no standard error"
            (se, ciLo, ciHi) = (.undefined(why), .undefined(why), .undefined(why))
        } else {
            var ss = CompensatedSum()
            for q in 0..<n {
                let d = policy[q] - baseline[q] - mean
                ss.add(d * d)
            }
            let s = (ss.value / Double(n - 1)).squareRoot() / Double(n).squareRoot()
            let z = Normal.quantile(1 - alpha / 2)
            (se, ciLo, ciHi) = (.defined(s), .defined(mean - z * s), .defined(mean + z * s))
        }
        if binary {
            mcnemarP = .defined(PairedComparison.mcnemar(wins: wins, losses: losses))
        } else {
            mcnemarP = .undefined("the baseline mixes two models on some fold: d is not in {−1, 0, 1}")
        }
        if let lo = ciLo.value, let hi = ciHi.value {
            verdict = lo > overhead ? .pays : (hi < overhead ? .doesNotPay : .undetermined)
            verdictReason = nil
        } else {
            verdict = nil
            verdictReason = "no interval for the gain"
        }
    }

    /// min(1, 2·P(Bin(w + l, ½) ≤ min(w, l))), 1 when w + l = 0; the binomial sum in log space.
    static func mcnemar(wins w: Int, losses l: Int) -> Double {
        let total = w + l
        guard total > 0 else {
            return 1
        }
        let k = min(w, l)
        let logHalf = Double(total) * log(0.5)
        var terms: [Double] = []
        for j in 0...k {
            terms.append(lgamma(Double(total + 1)) - lgamma(Double(j + 1)) - lgamma(Double(total - j + 1)) + logHalf)
        }
        let top = terms.max()!
        let s = terms.reduce(0.0) { $0 + exp($1 - top) }
        return min(1, 2 * exp(top + log(s)))
    }
}
