import CKernels
import Foundation
import Numerics
import Testing
@testable import CoFail

/// METHODS §4–§5 against R goldens (scripts/goldens/ncm_orthant_R.R, clayton_R.R).
@Suite struct FullCopulaTests {
    func matrix(_ name: String, _ d: Int) throws -> [Double] {
        let url = URL(fileURLWithPath: testsDirectory).appendingPathComponent("Goldens/\(name)")
        let v = try String(contentsOf: url, encoding: .utf8).split(whereSeparator: { $0 == "," || $0.isNewline })
            .map { Double($0.trimmingCharacters(in: .whitespaces))! }
        #expect(v.count == d * d)
        return v
    }
    var tau: [Double] { get throws { try golden("orthant_tau.csv").map { num($0, "tau") } } }

    /// Golden: Matrix::nearPD(corr = TRUE, do2eigen = FALSE, conv.tol = 1e-12).
    @Test func nearestCorrelationMatchesNearPD() throws {
        let d = 67
        let g = try matrix("ncm_G.csv", d)
        let want = try golden("ncm.csv").first { $0["key"] == "ncm_frobenius" }.map { num($0, "value") }!
        for memory in [0, 5] {
            var x = [Double](repeating: 0, count: d * d)
            var info = cf_ncm_info()
            #expect(cf_ncm_project(g, d, 1e-10, 1000, memory, &x, &info) == CF_OK)
            #expect(info.converged == 1)
            #expect(
                info.frobenius.isApproximatelyEqual(to: want, absoluteTolerance: 1e-6),
                "memory \(memory): \(info.frobenius) vs nearPD \(want)")
            var w = [Double](repeating: 0, count: d)
            #expect(cf_ncm_eigen_sym(x, d, &w, nil) == CF_OK)
            #expect(w[0] > -1e-9, "smallest eigenvalue of X: \(w[0])")
            #expect((0..<d).allSatisfy { x[$0 * d + $0] == 1 })
        }
    }

    /// Golden: mvtnorm::pmvnorm GenzBretz (5e6 points) in 67 dimensions, at ~2e-5 and ~2e-11.
    @Test func tiltedEstimatorAgreesWithPmvnorm() throws {
        let d = 67
        let s = try matrix("orthant_S.csv", d)
        let t0 = try tau
        for row in try golden("orthant.csv") {
            let t = t0.map { $0 + num(row, "shift") }
            var e = cf_estimate()
            #expect(cf_orthant_tilted(s, t, d, 3, 2048, 10, 2, &e) == CF_OK)
            let z = (e.val - num(row, "p")) / (e.se * e.se + num(row, "err") * num(row, "err")).squareRoot()
            #expect(
                abs(z) < 4, "shift \(num(row, "shift")): \(e.val) ± \(e.se) vs \(num(row, "p")) ± \(num(row, "err"))")
            #expect(e.rel_se < 0.01)
        }
    }

    /// The precision-targeted estimator: at each target the achieved relative standard error is
    /// within it (or the point cap says why not), the value agrees with pmvnorm within the
    /// combined errors, tighter targets use more points, and the extended lattices give the same
    /// estimate bit for bit on 1 or 3 threads.
    @Test func precisionTargetedEstimatorMeetsItsTarget() throws {
        let d = 67
        let s = try matrix("orthant_S.csv", d)
        let t0 = try tau
        for row in try golden("orthant.csv") {
            let t = t0.map { $0 + num(row, "shift") }
            var used: [UInt64] = []
            for target in [1e-2, 3e-3, 1e-3] {
                var e = cf_estimate()
                #expect(cf_orthant_tilted_target(s, t, d, 3, 512, 10, target, 1 << 21, 2, &e) == CF_OK)
                #expect(e.rel_se <= target, "target \(target): reached \(e.rel_se) with \(e.samples) points")
                #expect(e.samples % 10 == 0 && e.samples >= 5120)
                for threads in [1, 3] where target == 1e-3 {
                    var other = cf_estimate()
                    #expect(cf_orthant_tilted_target(s, t, d, 3, 512, 10, target, 1 << 21, threads, &other) == CF_OK)
                    #expect(other.val.bitPattern == e.val.bitPattern && other.samples == e.samples, "\(threads)")
                }
                let z = (e.val - num(row, "p")) / (e.se * e.se + num(row, "err") * num(row, "err")).squareRoot()
                #expect(abs(z) < 4, "target \(target): \(e.val) ± \(e.se) vs pmvnorm \(num(row, "p"))")
                used.append(e.samples)
            }
            #expect(used[0] <= used[1] && used[1] <= used[2], "\(used)")
            // a cap below what the target needs stops at the cap and says so through rel_se
            var capped = cf_estimate()
            #expect(cf_orthant_tilted_target(s, t, d, 3, 64, 10, 1e-6, 1280, 2, &capped) == CF_OK)
            #expect(capped.samples == 1280 && capped.rel_se > 1e-6)
            #expect(cf_orthant_tilted_target(s, t, d, 3, 64, 10, 1e-6, 639, 2, &capped) == CF_EINVAL)
        }
    }

    /// Golden: equicorrelated orthants in 300 dimensions, exact by a one-dimensional integral
    /// (scripts/goldens/orthant_equicorrelated_mpmath.py). Here the plain tilted estimator's
    /// variance comes from the common factor (relative SD ≈ 0.5 a point: some 2.5·10⁵ points for
    /// 1e-3); the factor-first form meets 1e-3 within its first batch of 10,240.
    @Test func factorFirstFormOnEquicorrelatedOrthants() throws {
        let d = 300
        let t0 = try golden("orthant_equi_tau.csv").map { num($0, "tau") }
        for (index, row) in try golden("orthant_equi.csv").enumerated() {
            let rho = num(row, "rho")
            let r = (0..<(d * d)).map { $0 / d == $0 % d ? 1.0 : rho }
            let t = t0.map { $0 + num(row, "shift") }
            var e = cf_estimate()
            #expect(cf_orthant_tilted_target(r, t, d, 5, 1024, 10, 1e-3, 1 << 20, 2, &e) == CF_OK)
            let want = num(row, "p")
            #expect(
                e.val.isApproximatelyEqual(to: want, absoluteTolerance: 4 * e.se),
                "ρ \(rho): \(e.val) ± \(e.se) vs \(want)")
            #expect(e.rel_se <= 1e-3 && e.samples == 10240, "ρ \(rho): \(e.rel_se) after \(e.samples) points")
            // the forms set up side by side or one after the other, the pilots and the shifts cut
            // into tasks over 1 or 3 threads: the same estimate, bit for bit
            for threads in [1, 3] where index == 0 {
                var other = cf_estimate()
                #expect(cf_orthant_tilted_target(r, t, d, 5, 1024, 10, 1e-3, 1 << 20, threads, &other) == CF_OK)
                #expect(other.val.bitPattern == e.val.bitPattern && other.samples == e.samples, "\(threads) threads")
            }
        }
    }

    /// Crude MC agrees with the golden within its error, and is identical for any thread count.
    @Test func crudeMonteCarloThreadInvariantAndUnbiased() throws {
        let d = 67
        let s = try matrix("orthant_S.csv", d)
        let t = try tau.map { $0 + 1.0 }  // larger probability so 2e5 draws see hits
        var one = cf_estimate()
        var two = cf_estimate()
        var three = cf_estimate()
        var vr = cf_estimate()
        #expect(cf_orthant_mc(s, t, d, 99, 200_000, 1, &one) == CF_OK)
        #expect(cf_orthant_mc(s, t, d, 99, 200_000, 2, &two) == CF_OK)
        #expect(cf_orthant_mc(s, t, d, 99, 200_000, 3, &three) == CF_OK)
        #expect(one.hits == two.hits && two.hits == three.hits && one.hits > 0)
        #expect(cf_orthant_tilted(s, t, d, 5, 2048, 10, 2, &vr) == CF_OK)
        let z = (one.val - vr.val) / (one.se * one.se + vr.se * vr.se).squareRoot()
        #expect(abs(z) < 4, "MC \(one.val) ± \(one.se) vs tilted \(vr.val) ± \(vr.se)")
    }

    /// Golden: R uniroot on the mean pairwise Clayton co-error.
    @Test func claytonThetaAgainstR() throws {
        var pools: [String: [Double]] = [:]
        for row in try golden("clayton_p.csv") {
            pools[row["case"]!.trimmingCharacters(in: .whitespaces), default: []].append(num(row, "p"))
        }
        for row in try golden("clayton.csv") {
            let p = pools[row["case"]!.trimmingCharacters(in: .whitespaces)]!
            var theta = 0.0
            var why: Int32 = -1
            var lc = 0.0
            #expect(cf_clayton_calibrate(p, p.count, num(row, "target"), &theta, &why) == CF_OK)
            #expect(why == 0)
            #expect(theta.isApproximatelyEqual(to: num(row, "theta"), relativeTolerance: 1e-9))
            #expect(cf_clayton_log_joint(p, p.count, theta, &lc) == CF_OK)
            #expect(lc.isApproximatelyEqual(to: num(row, "log_beta_clayton"), absoluteTolerance: 1e-8))
        }
    }

    /// The bundled example end to end: both estimators agree (METHODS §4: within 4 combined SE).
    @Test func bundledExampleResidual() throws {
        let (x, _) = try MatrixLoader().load(exampleMatrix).applyCoverage(.complete)
        var o = AnalysisOptions()
        o.precision.crudeDraws = 200_000
        o.threads = 2
        let a = try Analysis(x, options: o)
        let r = try #require(a.residual)
        #expect(r.ncmConverged)
        // the default report precision: 0.1 % standard error, met
        #expect(r.targetReached.value == 1 && r.betaFullSE.value! <= 1e-3 * r.betaFull.value!)
        #expect(abs(try #require(r.agreementZ.value)) < 4)
        #expect(r.negativeEigenvalues > 0)
        // same seed, other thread count: bit-identical Monte Carlo
        o.threads = 1
        let b = try Analysis(x, options: o)
        #expect(b.residual?.mcHits == r.mcHits)
        #expect(b.residual?.betaFull.value == r.betaFull.value)
    }
}
