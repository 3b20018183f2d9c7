import Foundation
import PropertyBased
import Numerics
import Testing
@testable import CoFail

@Suite struct CertificateTests {
    /// Random matrix with a planted common shock so k > 0 happens.
    static func randomMatrix(seed: UInt64, n: Int, m: Int) -> OutcomeMatrix {
        var g = SplitMix64(state: seed)
        let p = (0..<m).map { _ in Double.random(in: 0.05...0.7, using: &g) }
        let rows = (0..<n).map { _ -> [Bool] in
            let hard = Double.random(in: 0..<1, using: &g) < 0.05
            return p.map { hard ? false : Double.random(in: 0..<1, using: &g) >= $0 }
        }
        return OutcomeMatrix(modelNames: (0..<m).map { "m\($0)" }, correct: rows)
    }

    /// METHODS §1 gain localisation identity, on random matrices.
    @Test func gainIdentityOnRandomMatrices() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...1_000_000), Gen.int(in: 1...300), Gen.int(in: 1...12)) {
            seed, n, m in
            let x = CertificateTests.randomMatrix(seed: UInt64(seed), n: n, m: m)
            let c = try! Certificate(x)
            #expect(c.gainIdentityHolds)
            #expect(c.oracleGain == c.resolvableMass)
            // β ≤ min p_i and the ceiling is above the best model
            let minP = (0..<m).map { Double(x.errorCount($0)) / Double(n) }.min()!
            #expect(c.beta <= minP)
            #expect(c.oracleAccuracy >= c.bestAccuracy)
            // brute-force k
            let k = (0..<n).filter { q in (0..<m).allSatisfy { x.isError(query: q, model: $0) } }.count
            #expect(c.k == k)
        }
    }

    @Test func countsOnlyAgreesWithMatrixMode() throws {
        for seed in 0..<20 {
            let x = CertificateTests.randomMatrix(seed: UInt64(seed), n: 200 + seed, m: 6)
            let o = CertificateOptions(alpha: 0.1, delta: 0.02, materiality: 0.01, overhead: 0.03)
            let a = try Certificate(x, options: o)
            let b = try Certificate(allWrong: a.k, queries: a.n, bestCorrect: a.bestCorrect, options: o)
            #expect(a.betaCILo == b.betaCILo && a.betaCIHi == b.betaCIHi && a.betaLower == b.betaLower)
            #expect(a.certifiedHeadroom == b.certifiedHeadroom && a.oracleGain == b.oracleGain)
            #expect(a.regime == b.regime && a.noPolicyPays == b.noPolicyPays)
        }
    }

    @Test func tiesAreListed() throws {
        let x = OutcomeMatrix(
            modelNames: ["a", "b", "c"],
            correct: [[true, true, false], [false, false, false], [false, false, false]])
        let c = try Certificate(x)
        #expect(c.bestModels == ["a", "b"])
        #expect(c.k == 2)
    }

    @Test func countsOnlyRejectsImpossibleCounts() {
        #expect(throws: CoFailError.self) { try Certificate(allWrong: 5, queries: 10, bestCorrect: 6) }
        #expect(throws: CoFailError.self) { try Certificate(allWrong: 11, queries: 10, bestCorrect: 0) }
    }

    @Test func regimeAndHeadroom() throws {
        let c = try Certificate(allWrong: 16, queries: 425, bestCorrect: 370)
        #expect(c.regime == .ceilingBound)
        let d = try Certificate(allWrong: 0, queries: 198, bestCorrect: 150)
        #expect(d.regime == .realizabilityBound)
        #expect(d.betaLower == 0 && d.betaCILo == 0)
        #expect(
            d.certifiedHeadroom.isApproximatelyEqual(to: max(0, 1 - d.bestAccuracyLowerHalf), absoluteTolerance: 1e-15))
    }
}
