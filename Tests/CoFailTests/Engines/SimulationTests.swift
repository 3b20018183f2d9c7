import CKernels
import Foundation
import Numerics
import Testing
@testable import CoFail

/// METHODS §8: curves and bounds against SciPy goldens (scripts/goldens/simulate_scipy.py),
/// sampling against the closed forms.
@Suite struct SimulationTests {
    @Test func curvesAgainstSciPy() throws {
        for row in try golden("curve.csv") {
            let pi = num(row, "pi")
            let q = num(row, "q")
            let m = Int(num(row, "m"))
            let pts: [CurvePoint]
            if row["law"] == "shock" {
                pts = try Synthetic.shockCurve(pi: pi, q: q, maxModels: m)
            } else {
                let p = pi + (1 - pi) * q
                let c = pi + (1 - pi) * q * q
                pts = try Synthetic.claytonCurve(p: p, c: c, maxModels: m).points
            }
            let pt = try #require(pts.last)
            #expect(pt.m == m)
            #expect(pt.rho.isApproximatelyEqual(to: num(row, "rho"), absoluteTolerance: 1e-10))
            #expect(pt.betaM.isApproximatelyEqual(to: num(row, "beta_m"), relativeTolerance: 1e-9), "\(row)")
            #expect(pt.betaSFM.isApproximatelyEqual(to: num(row, "beta_sf_m"), relativeTolerance: 1e-8), "\(row)")
        }
        // the shock ratio is 1 at m = 2 and grows; Clayton's stays near 1
        let shock = try Synthetic.shockCurve(pi: 0.02, q: 0.3, maxModels: 20)
        #expect(shock[0].ratio.isApproximatelyEqual(to: 1, absoluteTolerance: 1e-9))
        #expect(zip(shock, shock.dropFirst()).allSatisfy { $1.ratio > $0.ratio })
        let clay = try Synthetic.claytonCurve(p: shock[0].p, c: shock[0].coError, maxModels: 20).points
        #expect(clay.last!.ratio < shock.last!.ratio / 100)
    }

    @Test func frechetBoundsAgainstLinprog() throws {
        for row in try golden("frechet.csv") {
            let b = try FrechetBounds(models: Int(num(row, "m")), error: num(row, "p"), coError: num(row, "c"))
            #expect(
                b.betaMin.isApproximatelyEqual(to: num(row, "beta_min"), absoluteTolerance: 1e-9),
                "\(row) min \(b.betaMin)")
            #expect(
                b.betaMax.isApproximatelyEqual(to: num(row, "beta_max"), absoluteTolerance: 1e-9),
                "\(row) max \(b.betaMax)")
            if let sf = b.betaSF.value { #expect(sf >= b.betaMin - 1e-12 && sf <= b.betaMax + 1e-12) }
            if let sh = b.betaShock.value {
                #expect(sh.isApproximatelyEqual(to: b.betaMax, absoluteTolerance: 1e-9) || sh <= b.betaMax)
            }
        }
    }

    /// Drawn matrices recover the law's β within sampling error (4.5 binomial SE).
    @Test(arguments: [SyntheticLaw.shock, .clayton, .gaussian, .factor])
    func samplingRecoversTruth(law: SyntheticLaw) throws {
        var spec = SyntheticMatrix.Spec(law: law, queries: 40_000, models: 6)
        spec.pi = 0.03
        spec.q = 0.3
        spec.error = 0.25
        spec.theta = 1.5
        spec.rho = 0.4
        spec.spread = 0.05
        spec.seed = 42
        spec.threads = 2
        let sim = try SyntheticMatrix(spec)
        let (x, _) = try sim.raw.applyCoverage(.complete)
        let c = try Certificate(x)
        let se = (sim.trueBeta * (1 - sim.trueBeta) / Double(x.n)).squareRoot()
        #expect(
            c.beta.isApproximatelyEqual(to: sim.trueBeta, absoluteTolerance: 4.5 * se),
            "\(law): β̂ \(c.beta) vs true \(sim.trueBeta) ± \(se)")
        for i in 0..<x.m {
            let p = Double(x.errorCount(i)) / Double(x.n)
            let t = sim.trueErrorRates[i]
            #expect(p.isApproximatelyEqual(to: t, absoluteTolerance: 4.5 * (t * (1 - t) / Double(x.n)).squareRoot()))
        }
        if law == .gaussian {
            let pw = try PairwiseStatistics(x)
            #expect(pw.meanTetrachoric.value!.isApproximatelyEqual(to: 0.4, absoluteTolerance: 0.03))
        }
    }

    @Test func drawsAreThreadInvariantAndRoundTrip() throws {
        var spec = SyntheticMatrix.Spec(law: .clayton, queries: 1000, models: 7)
        spec.missing = 0.05
        spec.seed = 9
        spec.threads = 1
        let a = try SyntheticMatrix(spec)
        spec.threads = 3
        let b = try SyntheticMatrix(spec)
        #expect(a.raw.serialized(as: .wide) == b.raw.serialized(as: .wide))
        // long formats list models in order of first appearance, so compare cells by model name
        func cells(_ r: RawMatrix) -> [String: [Character]] {
            let lines = r.serialized(as: .wide).split(separator: "\n").map {
                $0.split(separator: ",", omittingEmptySubsequences: false)
            }
            var out: [String: [Character]] = [:]
            for (c, name) in lines[0].enumerated().dropFirst() {
                out[String(name)] = lines.dropFirst().map { $0[c].first ?? "-" }
            }
            return out
        }
        for format in InputFormat.allCases {
            let path = try tempFile(a.raw.serialized(as: format), suffix: format == .jsonl ? ".jsonl" : ".csv")
            let back = try MatrixLoader().load(path)
            #expect(back.queryIDs == a.raw.queryIDs, "\(format)")
            #expect(cells(back) == cells(a.raw), "\(format)")
        }
    }
}
