import Foundation
import Numerics
import Testing
@testable import CoFail

/// `cofail vote` (METHODS §11, §14.1): goldens from scripts/goldens/vote_scipy.py (numpy lstsq,
/// brute-force leave-one-model-out refits, scipy.stats.t, scipy.integrate.quad).
@Suite struct VoteTests {
    nonisolated(unsafe) static let golden: [String: Any] = {
        let url = URL(fileURLWithPath: testsDirectory).appendingPathComponent(
            "Goldens/vote.json")
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }()

    static let example: OutcomeMatrix = try! MatrixLoader().load(exampleMatrix).applyCoverage(.complete).0

    /// Runs every unit and the summary.
    static func run(
        _ x: OutcomeMatrix, options: VoteOptions, models: [String]? = nil, threads: Int = 2,
        shard: Shard = .whole
    ) throws -> (VoteEngine, UnitTable) {
        let engine = try VoteEngine(VotePool(x, models: models), options: options)
        var t = UnitTable(signature: testSignature, columns: engine.columns, units: engine.units, shard: shard)
        _ = try UnitRunner(threads: threads).run(&t) { try engine.compute($0) }
        return (engine, t)
    }

    static func summary(_ x: OutcomeMatrix, _ o: VoteOptions, models: [String]? = nil) throws -> VoteSummary {
        let (e, t) = try run(x, options: o, models: models)
        return try VoteSummary(engine: e, table: t)
    }

    /// 1e-12 relative (absolute below 1): sums over 12,341 subsets in another order than numpy's.
    static func close(_ a: Double?, _ b: Any?, _ tol: Double = 1e-12) -> Bool {
        guard let a, let b = b as? Double else {
            return false
        }
        return abs(a - b) <= tol * max(1, abs(b))
    }

    func check(_ s: VoteSummary, against g: [String: Any]) {
        let pairs: [(String, Double?)] = [
            ("mean_vote_accuracy", s.meanVoteAccuracy), ("mean_vote_accuracy_upper", s.meanVoteAccuracyUpper),
            ("mean_best_member_accuracy", s.meanBestMemberAccuracy), ("mean_vote_gain", s.meanVoteGain),
            ("mean_vote_gain_upper", s.meanVoteGainUpper), ("share_positive_gain", s.sharePositiveGain),
            ("share_negative_gain", s.shareNegativeGain), ("mean_headroom", s.meanHeadroom),
            ("mean_subset_phi", s.meanSubsetPhi.value), ("mean_subset_oracle_accuracy", s.meanSubsetOracleAccuracy),
            ("pool_vote_accuracy", s.poolVoteAccuracy), ("jackknife_t_quantile", s.tQuantile.value),
            ("mean_vote_gain_jackknife_se", s.gainJackknifeSE.value),
            ("mean_vote_gain_jackknife_lo", s.gainJackknifeLo.value),
            ("mean_vote_gain_jackknife_hi", s.gainJackknifeHi.value),
        ]
        for (key, value) in pairs {
            #expect(
                VoteTests.close(value, g[key], key.contains("t_quantile") ? 1e-9 : 1e-12),
                "\(key): \(String(describing: value)) vs \(g[key]!)")
        }
        #expect(s.subsets == g["subsets"] as? Int)
        let reg = g["phi_regression"] as! [String: Any]
        let r = s.regressions.first { $0.correlation == .phi }!
        #expect(r.used == reg["subsets_used"] as? Int && r.clusters == reg["clusters"] as? Int)
        #expect(VoteTests.close(r.rSquared, reg["r_squared"]))
        for key in ["estimate", "ols_se", "jackknife_se", "jackknife_mean", "jackknife_lo", "jackknife_hi"] {
            let want = reg[key] as! [Double]
            for (j, c) in r.coefficients.enumerated() {
                let got: Double? = [
                    "estimate": c.estimate, "ols_se": c.olsSE, "jackknife_se": c.jackknifeSE,
                    "jackknife_mean": c.jackknifeMean, "jackknife_lo": c.jackknifeLo, "jackknife_hi": c.jackknifeHi,
                ][key]!
                // the t quantile of the interval comes from GSL vs SciPy: 1e-9
                let tol = key.hasSuffix("_lo") || key.hasSuffix("_hi") ? 1e-9 : 1e-10
                #expect(VoteTests.close(got, want[j], tol), "\(key)[\(j)]: \(String(describing: got)) vs \(want[j])")
            }
        }
    }

    @Test func mathLevel5TripletsMatchNumpyAndSciPy() throws {
        let g = (VoteTests.golden["math_l5"] as! [String: Any])
        for control in [VoteControl.headroom, .none] {
            var o = VoteOptions()
            o.replicates = 0
            o.control = control
            let s = try VoteTests.summary(VoteTests.example, o)
            check(s, against: g[control.rawValue] as! [String: Any])
        }
    }

    @Test func handCheckableCaseMatchesNumpy() throws {
        let hand = (VoteTests.golden["hand"] as! [String: Any])
        let rows = (hand["matrix"] as! [[Int]]).map { $0.map { $0 == 1 } }
        let x = OutcomeMatrix(modelNames: (0..<6).map { "m\($0)" }, correct: rows)
        for control in [VoteControl.headroom, .none] {
            var o = VoteOptions()
            o.replicates = 0
            o.control = control
            check(try VoteTests.summary(x, o), against: hand[control.rawValue] as! [String: Any])
        }
    }

    /// Dropping the subsets that contain model i equals rerunning the analysis on the pool without
    /// model i (METHODS §11.5), for every i and both correlations.
    @Test func jackknifeEqualsRerunWithoutEachModel() throws {
        let names = Array(VoteTests.example.modelNames.prefix(11))
        var o = VoteOptions()
        o.replicates = 0
        let (e, t) = try VoteTests.run(VoteTests.example, options: o, models: names)
        let full = try VoteSummary(engine: e, table: t)
        let pw = try PairwiseStatistics(e.matrix)
        for (ci, _) in o.correlations.enumerated() {
            var leaveOut: [[Double]] = []
            for i in 0..<names.count {
                var rest = names
                rest.remove(at: i)
                let s = try VoteTests.summary(VoteTests.example, o, models: rest)
                leaveOut.append(s.regressions[ci].coefficients.map { $0.estimate! })
            }
            let (se, mean) = (0..<3).map { j in VoteSummary.jackknifeSE(leaveOut.map { $0[j] }) }
                .reduce(into: ([Double](), [Double]())) {
                    $0.0.append($1.0)
                    $0.1.append($1.1)
                }
            for j in 0..<3 {
                let c = full.regressions[ci].coefficients[j]
                #expect(
                    c.jackknifeSE!.isApproximatelyEqual(to: se[j], absoluteTolerance: 1e-13 * max(1, se[j])), "se[\(j)]"
                )
                #expect(
                    c.jackknifeMean!.isApproximatelyEqual(to: mean[j], absoluteTolerance: 1e-13 * max(1, abs(mean[j]))),
                    "mean[\(j)]")
            }
        }
        #expect(pw.degenerateModels.isEmpty)
    }

    /// Each pair lies in m − 2 triplets, so with every triplet enumerated the mean of the subset
    /// means of φ is the pool's mean φ (METHODS §11.4).
    @Test func meanOfSubsetPhiIsThePoolMean() throws {
        var o = VoteOptions()
        o.replicates = 0
        let s = try VoteTests.summary(VoteTests.example, o)
        let pool = try PairwiseStatistics(VoteTests.example).meanPhi.value!
        #expect(s.meanSubsetPhi.value!.isApproximatelyEqual(to: pool, absoluteTolerance: 1e-13))
        let g = (VoteTests.golden["math_l5"] as! [String: Any])["headroom"] as! [String: Any]
        #expect(VoteTests.close(pool, g["pool_mean_phi"]))
    }

    /// Units, shards and the bootstrap are the same for any thread count.
    @Test func voteIsThreadAndShardInvariant() throws {
        var o = VoteOptions()
        o.replicates = 8
        o.size = 5
        o.subsets = 300
        let names = Array(VoteTests.example.modelNames.prefix(15))
        let (e1, t1) = try VoteTests.run(VoteTests.example, options: o, models: names, threads: 1)
        let (_, t2) = try VoteTests.run(VoteTests.example, options: o, models: names, threads: 2)
        #expect(t1.serialized() == t2.serialized())
        let parts = try (0..<3).map { i in
            (
                "s\(i)",
                try VoteTests.run(
                    VoteTests.example, options: o, models: names, threads: 2,
                    shard: Shard(index: i, count: 3)
                ).1
            )
        }
        let merged = try UnitTable.merge(parts)
        #expect(merged.serialized() == t1.serialized())
        #expect(e1.enumeration == "sampled" && Set((0..<e1.subsetCount).map { e1.members($0) }).count == 300)
        // the bootstrap replicates are units too: the summary of the merged shards is the same
        #expect(e1.units == e1.subsetCount + o.replicates && o.replicates > 0)
        let a = try VoteSummary(engine: e1, table: t1)
        let b = try VoteSummary(engine: e1, table: merged)
        #expect(a.gainBootstrapSE.value == b.gainBootstrapSE.value)
        #expect(a.regressions[0].coefficients[1].bootstrapSE == b.regressions[0].coefficients[1].bootstrapSE)
        #expect(a.gainBootstrapSE.value! > 0)
    }

    /// E_m against scipy.integrate.quad; the floor against its closed form.
    @Test func majorityErrorMatchesQuad() throws {
        for row in VoteTests.golden["majority_error"] as! [[String: Any]] {
            let p = row["error"] as! Double
            let rho = row["rho"] as! Double
            let m = row["m"] as! Int
            let v = try MajorityFloor.poolError(error: p, rho: rho, members: m)
            #expect(
                v.isApproximatelyEqual(
                    to: (row["value"] as! Double), absoluteTolerance: 1e-10 * (row["value"] as! Double)),
                "E_\(m)(\(p), \(rho))")
        }
        for row in VoteTests.golden["floor"] as! [[String: Any]] {
            let v = MajorityFloor.floor(error: row["error"] as! Double, rho: row["rho"] as! Double)
            #expect(v.isApproximatelyEqual(to: (row["value"] as! Double), absoluteTolerance: 1e-14))
        }
    }

    /// E_m against a Monte Carlo of the latent model (within 4 SE); the limits of E_∞; the
    /// heterogeneous curve equals E_m for equal error rates.
    @Test func majorityErrorAgreesWithSimulationAndLimits() throws {
        var g = SplitMix64(state: 5)
        let (p, rho, m, draws) = (0.3, 0.4, 5, 200_000)
        let tau = Normal.quantile(p)
        var wrong = 0
        for _ in 0..<draws {
            let f = Normal.quantile(Double.random(in: 0.000001..<0.999999, using: &g))
            var errs = 0
            for _ in 0..<m {
                let e = Normal.quantile(Double.random(in: 0.000001..<0.999999, using: &g))
                if rho.squareRoot() * f + (1 - rho).squareRoot() * e <= tau {
                    errs += 1
                }
            }
            if 2 * errs > m {
                wrong += 1
            }
        }
        let mc = Double(wrong) / Double(draws)
        let se = (mc * (1 - mc) / Double(draws)).squareRoot()
        let exact = try MajorityFloor.poolError(error: p, rho: rho, members: m)
        #expect(mc.isApproximatelyEqual(to: exact, absoluteTolerance: 4 * se), "MC \(mc) ± \(se) vs \(exact)")
        #expect(
            MajorityFloor.floor(error: 0.3, rho: 1) == 0.3 || abs(MajorityFloor.floor(error: 0.3, rho: 1) - 0.3) < 1e-15
        )
        #expect(MajorityFloor.floor(error: 0.3, rho: 0) == 0 && MajorityFloor.floor(error: 0.7, rho: 0) == 1)
        #expect(MajorityFloor.floor(error: 0.5, rho: 0.37) == 0.5)
        for size in [3, 7, 21] {
            let het = try MajorityFloor.poolError(errors: Array(repeating: 0.3, count: size), rho: 0.4)
            let sym = try MajorityFloor.poolError(error: 0.3, rho: 0.4, members: size)
            #expect(het.isApproximatelyEqual(to: sym, absoluteTolerance: 1e-9 * sym), "m = \(size)")
        }
    }

    @Test func breakEvenSizes() throws {
        let b = try BreakEven(error: 0.3, rho: 0.4, costRatio: 0.001)
        let m = Int(b.members.value!)
        let acc = { (k: Int) in MajorityFloor.meanVoteAccuracy(error: 0.3, rho: 0.4, members: Double(k)) }
        #expect(acc(m) - acc(m - 1) >= 0.001 && acc(m + 1) - acc(m) < 0.001)
        #expect(b.membersLinear.value! > 1 && b.membersMajority.value! >= 1)
        #expect(try BreakEven(error: 0.6, rho: 0.4, costRatio: 0.001).members.value == nil)
    }

    /// Goldens: scripts/goldens/break_even_mpmath.py (mpmath.ncdf at 50 digits, doubling and bisection);
    /// sizes far beyond 10⁵ members are computed, not capped.
    @Test func breakEvenAgainstMpmath() throws {
        for row in try CoFailTests.golden("break_even.csv") {
            let b = try BreakEven(error: num(row, "error"), rho: num(row, "rho"), costRatio: num(row, "cost_ratio"))
            #expect(b.members.value == num(row, "break_even_members"), "\(row)")
            let linear = try #require(b.membersLinear.value)
            #expect(
                linear.isApproximatelyEqual(to: num(row, "break_even_members_linear"), relativeTolerance: 1e-10),
                "\(row)")
            let kappa = try #require(b.kappaAtBreakEven.value)
            #expect(kappa.isApproximatelyEqual(to: num(row, "kappa_at_break_even"), relativeTolerance: 1e-10), "\(row)")
            let m = Int(num(row, "break_even_members"))
            if m > 1 {
                let inc = BreakEven.increment(error: b.error, rho: b.rho, members: m)
                #expect(
                    inc.isApproximatelyEqual(to: num(row, "increment_at_break_even"), relativeTolerance: 1e-9), "\(row)"
                )
            }
        }
    }
}
