import CKernels
import Foundation
import Numerics
import Testing
@testable import CoFail

/// Kernels against independent goldens (generators under scripts/goldens/).
@Suite struct KernelGoldenTests {
    /// Golden: scripts/goldens/bvn_mpmath.py (mpmath Plackett integral, 40 digits).
    @Test func bivariateNormalCDFGrid() throws {
        var worst = 0.0
        for row in try golden("bvn.csv") {
            var v = 0.0
            #expect(cf_bvn_cdf(num(row, "h"), num(row, "k"), num(row, "r"), &v) == CF_OK)
            #expect(v >= 0)
            worst = max(worst, abs(v - num(row, "cdf")))
        }
        #expect(worst <= Tol.bvnAbsolute, "worst |Φ₂ − mpmath| = \(worst)")
    }

    /// The batch kernel (calls grouped by rule, vectorised across calls) against the goldens and
    /// against cf_bvn_cdf call by call, on the golden grid and on 10⁴ random triples with mixed rules.
    @Test func bivariateNormalBatchMatchesScalar() throws {
        let rows = try golden("bvn.csv")
        var h = rows.map { num($0, "h") }
        var k = rows.map { num($0, "k") }
        var r = rows.map { num($0, "r") }
        var want = rows.map { num($0, "cdf") }
        var g = SplitMix64(state: 5)
        for _ in 0..<10_000 {
            h.append((Double(g.next() >> 11) * 0x1p-53 - 0.5) * 12)
            k.append((Double(g.next() >> 11) * 0x1p-53 - 0.5) * 12)
            r.append((Double(g.next() >> 11) * 0x1p-53 - 0.5) * 2)
            want.append(.nan)
        }
        var out = [Double](repeating: -1, count: h.count)
        #expect(cf_bvn_cdf_batch(h, k, r, h.count, &out) == CF_OK)
        var worstGolden = 0.0
        var worstScalar = 0.0
        for i in 0..<h.count {
            var v = 0.0
            _ = cf_bvn_cdf(h[i], k[i], r[i], &v)
            worstScalar = max(worstScalar, abs(out[i] - v))
            if !want[i].isNaN { worstGolden = max(worstGolden, abs(out[i] - want[i])) }
            #expect(out[i] >= 0 && out[i] <= 1)
        }
        #expect(worstGolden <= Tol.bvnAbsolute, "batch: worst |Φ₂ − mpmath| = \(worstGolden)")
        #expect(worstScalar <= 2e-16, "batch vs scalar: worst difference \(worstScalar)")
        #expect(cf_bvn_cdf_batch([0], [.nan], [0.5], 1, &out) == CF_EDOM)
    }

    /// R's pmvnorm returns −1e-19 at h = k = −2, r = −0.9; ours must be ≥ 0.
    @Test func bivariateNormalNeverNegative() {
        var v = -1.0
        #expect(cf_bvn_cdf(-2, -2, -0.9, &v) == CF_OK)
        #expect(v >= 0)
        #expect(cf_bvn_cdf(.nan, 0, 0, &v) == CF_EDOM)
        #expect(cf_bvn_cdf(0, 0, 1.5, &v) == CF_EDOM)
    }

    /// Golden: scripts/goldens/normal_mpmath.py (mpmath ncdf, 50 digits), x from −60 to 40.
    @Test func normalCDFLogCDFMillsAgainstMpmath() throws {
        var worst = (cdf: 0.0, log: 0.0, mills: 0.0, batch: 0.0)
        let rows = try golden("normal.csv")
        let xs = rows.map { num($0, "x") }
        var batch = [Double](repeating: .nan, count: xs.count)
        #expect(cf_norm_logcdf_batch(xs, xs.count, &batch) == CF_OK)
        for (row, b) in zip(rows, batch) {
            let want = num(row, "logcdf")
            worst.batch = max(worst.batch, want == 0 ? abs(b) : abs(b / want - 1))
        }
        for row in rows {
            let x = num(row, "x")
            let rel = { (got: Double, want: Double) in want == 0 ? abs(got) : abs(got / want - 1) }
            let c = num(row, "cdf")
            if c >= 1e-300 { worst.cdf = max(worst.cdf, rel(cf_norm_cdf(x), c)) }
            worst.log = max(worst.log, rel(cf_norm_logcdf(x), num(row, "logcdf")))
            // φ/Φ is subnormal beyond x ≈ 37.5: only absolute agreement is possible there
            let mills = num(row, "mills")
            worst.mills = max(
                worst.mills, mills >= 1e-290 ? rel(cf_norm_mills(x), mills) : abs(cf_norm_mills(x) - mills) / 1e-290)
        }
        #expect(worst.cdf <= 1e-15, "Φ worst relative error \(worst.cdf)")
        #expect(worst.log <= 1e-15, "log Φ worst relative error \(worst.log)")
        #expect(worst.batch <= 1e-15, "log Φ (batch) worst relative error \(worst.batch)")
        #expect(worst.mills <= 1e-15, "φ/Φ worst relative error \(worst.mills)")
    }

    /// Φ⁻¹ from a log-probability, one value and a batch at a time, against the same goldens read
    /// backwards: the x of each log Φ(x) with −37 < x < 8.3, to 2e-15 plus what rounding log Φ to
    /// a double moves x by (|log Φ|·2⁻⁵²/(φ/Φ), the inverse's condition).
    @Test func normalQuantileFromLogAgainstMpmath() throws {
        let rows = try golden("normal.csv").filter { num($0, "x") > -37 && num($0, "x") < 8.3 }
        let lps = rows.map { num($0, "logcdf") }
        var batch = [Double](repeating: .nan, count: lps.count)
        #expect(cf_norm_quantile_log_batch(lps, lps.count, &batch) == CF_OK)
        for (i, row) in rows.enumerated() {
            let x = num(row, "x")
            let tol = 2e-15 * max(1, abs(x)) + abs(lps[i]) * 0x1p-52 / num(row, "mills")
            #expect(
                cf_norm_quantile_log(lps[i]).isApproximatelyEqual(to: x, absoluteTolerance: tol), "scalar at x = \(x)")
            #expect(batch[i].isApproximatelyEqual(to: x, absoluteTolerance: tol), "batch at x = \(x): \(batch[i])")
        }
        var edge = [Double](repeating: 0, count: 3)
        #expect(cf_norm_quantile_log_batch([0, -.infinity, .nan], 3, &edge) == CF_OK)
        #expect(edge[0] == .infinity && edge[1] == -.infinity && edge[2].isNaN)
    }

    /// The resamples' warm start (`cf_tetrachoric_warm`) of 2 × 2 tables over 1,000 queries: θ's
    /// derivatives in (h, k, p) of orders 1 and 2 (implicit-function formulas) to 1e-9 and of
    /// order 3 (central differences of the second ones) to 1e-6, relative to the larger of 1 and
    /// the value, against mpmath's numerical derivatives of the root itself
    /// (scripts/goldens/tetra_warm_mpmath.py).
    @Test func tetrachoricWarmStartDerivativesAgainstMpmath() throws {
        func doubles<T>(_ tuple: T) -> [Double] {
            withUnsafeBytes(of: tuple) { Array($0.bindMemory(to: Double.self)) }
        }
        let rows = try golden("tetra_warm.csv")
        #expect(rows.count >= 6)
        for row in rows {
            let n11 = Int64(num(row, "n11"))
            let gram: [Int64] = [Int64(num(row, "ei")), n11, n11, Int64(num(row, "ej"))]
            let r = num(row, "r")
            var warm = [cf_tetra_warm](repeating: cf_tetra_warm(), count: 4)
            #expect(cf_tetrachoric_warm(gram, 2, Int64(num(row, "n")), 1, [1, r, r, 1], &warm) == CF_OK)
            let w = warm[1]
            let got = [w.dtheta_dh, w.dtheta_dk, w.dtheta_dp] + doubles(w.d2theta) + doubles(w.d3theta)
            let names =
                ["h", "k", "p", "hh", "hk", "kk", "hp", "kp", "pp"]
                + ["hhh", "hhk", "hkk", "kkk", "hhp", "hkp", "kkp", "hpp", "kpp", "ppp"]
            for (i, name) in names.enumerated() {
                let want = num(row, "d_" + name)
                let tol = (name.count < 3 ? 1e-9 : 1e-6) * max(1, abs(want))
                #expect(
                    abs(got[i] - want) <= tol,
                    "θ_\(name) at \(row["ei"]!),\(row["ej"]!),\(row["n11"]!): \(got[i]) against \(want)")
            }
        }
    }

    /// Inverse in r: Φ₂(h, k; solve(Φ₂(h, k; r))) reproduces the probability (both solver paths),
    /// and the batch solver gives every problem's single-call root and status, bit for bit.
    @Test func bivariateInverseRoundTrip() {
        var g = SplitMix64(state: 77)
        var worst = 0.0
        let count = 200_000
        var hs = [Double]()
        var ks = [Double]()
        var ps = [Double]()
        var starts = [Double]()
        var roots = [Double]()
        var statuses = [Int32]()
        for i in 0..<count {
            let h = (Double(g.next() >> 11) * 0x1p-53 - 0.5) * (i % 2 == 0 ? 6 : 16)
            let k = (Double(g.next() >> 11) * 0x1p-53 - 0.5) * (i % 3 == 0 ? 16 : 6)
            let r = (Double(g.next() >> 11) * 0x1p-53 - 0.5) * 1.998
            var p = 0.0
            var back = 0.0
            var p2 = 0.0
            _ = cf_bvn_cdf(h, k, r, &p)
            let start = i % 4 == 0 ? Double.nan : r + 0.1
            let status = start.isNaN ? cf_bvn_solve_r(h, k, p, &back) : cf_bvn_solve_r_warm(h, k, p, start, &back)
            #expect(status == CF_OK)
            _ = cf_bvn_cdf(h, k, back, &p2)
            worst = max(worst, abs(p2 - p))
            hs.append(h)
            ks.append(k)
            ps.append(p)
            starts.append(start)
            roots.append(back)
            statuses.append(status)
        }
        #expect(worst <= 2e-15, "worst |ΔΦ₂| \(worst)")
        var batch = [Double](repeating: 0, count: count)
        var batchStatus = [Int32](repeating: 0, count: count)
        #expect(cf_bvn_solve_r_warm_batch(hs, ks, ps, starts, count, &batch, &batchStatus) == CF_OK)
        #expect(batch.indices.filter { batch[$0].bitPattern != roots[$0].bitPattern }.isEmpty)
        #expect(batchStatus == statuses)
    }

    /// Golden: scripts/goldens/tetrachoric_R.R (uniroot on mvtnorm::pmvnorm, psych zero-cell rule).
    @Test func tetrachoricAgainstR() throws {
        for row in try golden("tetrachoric.csv") {
            var s = cf_pair_stat()
            #expect(
                cf_tetrachoric_pair(num(row, "n11"), num(row, "n10"), num(row, "n01"), num(row, "n00"), 1, .nan, &s)
                    == CF_OK)
            #expect(
                s.r.isApproximatelyEqual(to: num(row, "r"), absoluteTolerance: Tol.tetrachoric),
                "table \(row): r = \(s.r)")
            #expect(s.phi.isApproximatelyEqual(to: num(row, "phi"), absoluteTolerance: 1e-12))
        }
    }

    @Test func tetrachoricZeroCellWithoutCorrectionIsBoundary() {
        var s = cf_pair_stat()
        #expect(cf_tetrachoric_pair(20, 0, 60, 250, 0, .nan, &s) == CF_OK)
        #expect(s.r == 1)
        #expect(cf_tetrachoric_pair(0, 40, 35, 255, 0, .nan, &s) == CF_OK)
        #expect(s.r == -1)
        #expect(cf_tetrachoric_pair(0, 0, 35, 255, 1, .nan, &s) == CF_OK)
        #expect(s.flag == Int32(CF_PAIR_NEVER_WRONG))
        #expect(s.r.isNaN)
    }

    /// Golden: scripts/goldens/cp_scipy.py (scipy.stats.beta.ppf).
    @Test func clopperPearsonAgainstSciPy() throws {
        for row in try golden("clopper_pearson.csv") {
            let k = Int64(num(row, "k"))
            let n = Int64(num(row, "n"))
            let a = num(row, "level")
            var lo = 0.0
            var hi = 0.0
            var lower = 0.0
            #expect(cf_binom_cp_interval(k, n, a, &lo, &hi) == CF_OK)
            #expect(cf_binom_cp_lower(k, n, a, &lower) == CF_OK)
            for (got, key) in [(lo, "lo"), (hi, "hi"), (lower, "lower")] {
                let want = num(row, key)
                #expect(
                    abs(got - want) <= Tol.cpRelative * max(want, 1e-300),
                    "k=\(k) n=\(n) level=\(a) \(key): \(got) vs \(want)")
            }
        }
    }

    /// Golden: scripts/goldens/factor_mpmath.py (mpmath quad, 30 digits).
    @Test func singleFactorAgainstMpmath() throws {
        var pools: [String: [Double]] = [:]
        for row in try golden("factor_p.csv") { pools[row["case"]!, default: []].append(num(row, "p")) }
        for row in try golden("factor.csv") {
            let p = pools[row["case"]!]!
            let want = num(row, "log_beta_sf")
            // relative error of β_SF = |Δ log β_SF| within the tolerance asked: the analysis's and
            // the replicates' (1e-7: the trapezoid grid stops one halving earlier there)
            for relTol in [1e-10, 1e-7] {
                let lb = try SingleFactor.logBeta(p, rho: num(row, "rho"), relTol: relTol)
                #expect(
                    abs(lb - want) <= relTol,
                    "\(row["case"]!) ρ=\(num(row, "rho")) tol \(relTol): log β_SF \(lb) vs \(want)")
            }
        }
    }

    @Test func impliedRhoAgainstMpmath() throws {
        var pools: [String: [Double]] = [:]
        for row in try golden("factor_p.csv") { pools[row["case"]!, default: []].append(num(row, "p")) }
        for row in try golden("implied_rho.csv") {
            let p = pools[row["case"]!]!
            let want = num(row, "rho_star")
            let q = try SingleFactor.impliedRho(p, beta: exp(num(row, "log_beta")))
            #expect(q.value!.isApproximatelyEqual(to: want, absoluteTolerance: 1e-9))
            // the replicates' path: loose tolerances, Newton started from a hint (inexact first step),
            // with or without the curvature of log β_SF (a true one, a wrong one)
            let g = { (r: Double) in try SingleFactor.logBeta(p, rho: r) }
            let h = 1e-3 * min(want, 1 - want)
            let curv = (try g(want + h) - 2 * g(want) + g(want - h)) / (try g(want + h) - g(want - h)) * 2 / h
            for hint in [Double.nan, want - 0.05, want + 0.03, want + 2e-3, 0.02, 0.98] {
                for c in [Double.nan, curv, -3 * curv] {
                    var rho = 0.0
                    var why: Int32 = 0
                    #expect(
                        cf_factor_implied_rho_tol(p, p.count, num(row, "log_beta"), 1e-7, 1e-9, hint, c, &rho, &why)
                            == CF_OK)
                    #expect(
                        rho.isApproximatelyEqual(to: want, absoluteTolerance: 1e-7),
                        "\(row["case"]!) hint \(hint) curv \(c): ρ* \(rho) vs \(want)")
                }
            }
        }
    }

    @Test func singleFactorClosedForms() throws {
        let p = [0.2, 0.3, 0.25]
        #expect(
            (try SingleFactor.logBeta(p, rho: 0)).isApproximatelyEqual(
                to: log(0.2 * 0.3 * 0.25), absoluteTolerance: 1e-14))
        #expect((try SingleFactor.logBeta(p, rho: 1)).isApproximatelyEqual(to: log(0.2), absoluteTolerance: 1e-14))
        #expect(try SingleFactor.logBeta([0.2, 0, 0.3], rho: 0.4) == -.infinity)
        // m = 2 reduces to the bivariate normal: β_SF = Φ₂(τ1, τ2; ρ)
        var v = 0.0
        _ = cf_bvn_cdf(cf_norm_quantile(0.3), cf_norm_quantile(0.45), 0.37, &v)
        #expect(
            (exp(try SingleFactor.logBeta([0.3, 0.45], rho: 0.37))).isApproximatelyEqual(
                to: v, relativeTolerance: 1e-10))
    }
}
