import Foundation
import PropertyBased
import Numerics
import Testing
@testable import CoFail

/// Identities of the statistics pipeline that must hold on every matrix (METHODS §1–§6).
@Suite struct PropertyTests {
    /// The matrix with its rows and columns permuted by a seeded shuffle.
    static func permuted(_ x: OutcomeMatrix, seed: UInt64) -> OutcomeMatrix {
        var g = SplitMix64(state: seed)
        let rows = Array(0..<x.n).shuffled(using: &g)
        let cols = Array(0..<x.m).shuffled(using: &g)
        let correct = rows.map { q in cols.map { !x.isError(query: q, model: $0) } }
        return OutcomeMatrix(modelNames: cols.map { x.modelNames[$0] }, correct: correct)
    }

    static func statistics(_ x: OutcomeMatrix) throws -> UnitStatistics {
        try UnitStatistics(SampleCounts(x), computing: .analysis, context: UnitContext(precision: .report))
    }

    /// Relative agreement for values summed over pairs in another order: the means add m(m−1)/2
    /// terms, so reordering changes them by at most about m²·ε relative.
    static func close(_ a: Double?, _ b: Double?, models m: Int) -> Bool {
        guard let a, let b else {
            return a == nil && b == nil
        }
        return abs(a - b) <= Double(m * m) * Double.ulpOfOne * max(abs(a), abs(b), 1e-300)
    }

    /// Every statistic is invariant under permutation of the queries (exactly: the Gram matrix and
    /// k do not change) and of the models (to the rounding of reordered sums).
    @Test func statisticsAreInvariantUnderRowAndColumnPermutations() async {
        await propertyCheck(count: 25, input: Gen.int(in: 0...1_000_000), Gen.int(in: 30...200), Gen.int(in: 3...10)) {
            seed, n, m in
            let x = CertificateTests.randomMatrix(seed: UInt64(seed), n: n, m: m)
            let y = PropertyTests.permuted(x, seed: UInt64(seed) &+ 1)
            let a = try! PropertyTests.statistics(x)
            let b = try! PropertyTests.statistics(y)
            #expect(a.k == b.k && a.beta == b.beta && a.bestAccuracy == b.bestAccuracy)
            #expect(a.oracleGain == b.oracleGain)
            // β ≤ min p_i; G = A_or − A*
            #expect(a.beta <= a.errorRates.min()!)
            #expect(a.oracleGain == 1 - a.beta - a.bestAccuracy)
            let pairs: [(Double?, Double?)] = [
                (a.pairwise!.meanPhi.value, b.pairwise!.meanPhi.value),
                (a.pairwise!.meanTetrachoric.value, b.pairwise!.meanTetrachoric.value),
                (a.betaSFTetrachoric.value, b.betaSFTetrachoric.value),
                (a.underpricingTetrachoric.value, b.underpricingTetrachoric.value),
                (a.impliedRho.value, b.impliedRho.value),
            ]
            for (u, v) in pairs {
                // β_SF and ρ* come from integrals to 1e-10 of reordered inputs: allow that too
                let ok =
                    PropertyTests.close(u, v, models: m) || (u != nil && v != nil && abs(u! - v!) <= 1e-9 * abs(u!))
                #expect(ok, "\(String(describing: u)) vs \(String(describing: v))")
            }
        }
    }

    /// U = β / β_model is exactly the ratio: 1 when β equals the model's probability (to 2 ulps:
    /// one exp of a difference of logs).
    @Test func underpricingIsOneWhenBetaEqualsTheModel() async {
        await propertyCheck(count: 200, input: Gen.double(in: -700...0)) { logModel in
            let u = SingleFactor.underpricing(exp(logModel), .defined(logModel)).value!
            #expect(u.isApproximatelyEqual(to: 1, absoluteTolerance: 2 * Double.ulpOfOne * max(1, abs(logModel))))
        }
        // β = 0 with a positive model probability: U = 0, defined
        #expect(SingleFactor.underpricing(0, .defined(-3)).value == 0)
    }

    /// A matrix whose rows are all the same: every resample is the matrix itself, so every
    /// replicate equals the estimate and the interval has zero width.
    @Test func bootstrapOfAConstantMatrixIsConstant() throws {
        let row = [false, true, false, true, true]
        let x = OutcomeMatrix(modelNames: (0..<5).map { "m\($0)" }, correct: Array(repeating: row, count: 40))
        let stats: [BootstrapStatistic] = [.beta, .best_accuracy, .oracle_gain, .mean_phi]
        let boot = try Bootstrap(x, stats: stats, seed: 3)
        let estimate = try boot.estimate()
        for r in 0..<20 {
            let v = try boot.replicate(r)
            #expect(zip(v, estimate).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, "replicate \(r)")
        }
    }

    /// A resample gathered through the query-major rows is the definition, bit by bit: resampled
    /// query j is source query idx[j] for every model, past 64 models and queries, with zero padding.
    @Test func resampleGatherIsTheDefinition() async {
        await propertyCheck(count: 30, input: Gen.int(in: 0...1_000_000), Gen.int(in: 1...300), Gen.int(in: 1...150)) {
            seed, n, m in
            let x = CertificateTests.randomMatrix(seed: UInt64(seed), n: n, m: m)
            var g = SplitMix64(state: UInt64(seed) &+ 7)
            let idx = (0..<Int.random(in: 1...(2 * n), using: &g)).map { _ in
                UInt32.random(in: 0..<UInt32(n), using: &g)
            }
            let y = try! x.resampled(idx, rows: try! x.queryRows())
            #expect(y.n == idx.count && y.m == m)
            for i in 0..<m {
                #expect(
                    (0..<idx.count).allSatisfy {
                        y.isError(query: $0, model: i) == x.isError(query: Int(idx[$0]), model: i)
                    })
                #expect(y.errorCount(i) == idx.filter { x.isError(query: Int($0), model: i) }.count)
            }
        }
    }
}
