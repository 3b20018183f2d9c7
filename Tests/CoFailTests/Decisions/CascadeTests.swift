import Foundation
import Numerics
import Testing
@testable import CoFail

/// `cofail cascade` (METHODS §13): goldens from scripts/goldens/cascade_scipy.py (brute-force
/// masks per threshold, scipy.stats.mannwhitneyu, numpy.trapezoid, scipy.stats.rankdata).
@Suite struct CascadeTests {
    nonisolated(unsafe) static let golden: [String: Any] = {
        let url = URL(fileURLWithPath: testsDirectory).appendingPathComponent(
            "Goldens/cascade.json")
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }()

    static func input(_ name: String) throws -> (RawMatrix, CascadeInput) {
        let path = URL(fileURLWithPath: testsDirectory).appendingPathComponent(
            "Goldens/cascade_\(name).csv"
        ).path
        let raw = try MatrixLoader().load(path)
        return (raw, try CascadeInput(raw, cheap: "S", strong: "L", policy: .complete))
    }

    static func analysis(_ name: String, objective: CascadeObjective = .advantage) throws -> CascadeAnalysis {
        let (_, x) = try input(name)
        var o = CascadeOptions()
        o.folds = name == "hand" ? 4 : 5
        o.seed = 3
        o.objective = objective
        o.noiseLevels = [0, 0.5, 1]
        o.noiseSeeds = 200
        o.threads = 2
        return try CascadeAnalysis(x.sample, ids: x.ids, cheap: "S", strong: "L", options: o)
    }

    static func close(_ a: Double?, _ b: Any?, _ what: String, tol: Double = 1e-12) {
        let g = b as? Double
        if g == nil || a == nil {
            #expect(a == nil && g == nil, "\(what): \(String(describing: a)) vs \(String(describing: b))")
        } else {
            #expect(a!.isApproximatelyEqual(to: g!, absoluteTolerance: tol), "\(what): \(a!) vs \(g!)")
        }
    }

    @Test(arguments: ["hand", "discrete", "continuous"])
    func curveAndSummariesMatchTheBruteForce(_ name: String) throws {
        let g = CascadeTests.golden[name] as! [String: Any]
        let a = try CascadeTests.analysis(name)
        let c = a.curve
        let f = a.floor
        let points = g["curve"] as! [[String: Any]]
        #expect(points.count == c.pointCount)
        for (j, p) in points.enumerated() {
            // Foundation's JSON reader can miss the last bit of a double: thresholds to 4 ulps.
            CascadeTests.close(c.threshold(j), p["threshold"], "\(name) τ[\(j)]", tol: 1e-15 * 4)
            CascadeTests.close(c.escalation(j), p["escalation"], "\(name) e[\(j)]")
            CascadeTests.close(c.accuracy(j), p["accuracy"], "\(name) A[\(j)]")
            CascadeTests.close(c.randomAccuracy(j), p["random_accuracy"], "\(name) A_R[\(j)]")
            CascadeTests.close(c.advantage(j), p["advantage"], "\(name) Δ[\(j)]")
            CascadeTests.close(c.calibration(j), p["calibration"], "\(name) Δ_cal[\(j)]")
            CascadeTests.close(c.tailEdgePart(j), p["tail_part"], "\(name) Δ_tail[\(j)]")
            let t = c.tail(j)
            CascadeTests.close(t.error.value, p["tail_error"], "\(name) ε[\(j)]")
            CascadeTests.close(t.strongAccuracy.value, p["tail_strong_accuracy"], "\(name) α[\(j)]")
            CascadeTests.close(t.edge.value, p["tail_edge"], "\(name) edge[\(j)]")
            if p["cost"] != nil {
                CascadeTests.close(c.cost?[j], p["cost"], "\(name) C[\(j)]")
                CascadeTests.close(c.costPerCorrect(j).value, p["cost_per_correct"], "\(name) D[\(j)]")
            }
        }
        CascadeTests.close(c.auc.value, g["auc"], "\(name) AUC")
        CascadeTests.close(c.integratedAdvantage, g["integrated_advantage"], "\(name) ∫Δ")
        CascadeTests.close(c.integratedCalibration, g["integrated_calibration"], "\(name) ∫Δ_cal")
        CascadeTests.close(c.integratedTailEdge, g["integrated_tail_edge"], "\(name) ∫Δ_tail")
        CascadeTests.close(c.maxAdvantage.value, g["max_advantage"], "\(name) max Δ")
        CascadeTests.close(c.maxAdvantage.escalation, g["max_advantage_escalation"], "\(name) max Δ at")
        CascadeTests.close(f.pairOracleAccuracy, g["pair_oracle_accuracy"], "\(name) pair oracle")
        CascadeTests.close(f.strongAccuracyOnCheapErrors.value, g["strong_accuracy_on_cheap_errors"], "\(name) α_W")
        CascadeTests.close(f.floor, g["floor"], "\(name) floor")
        CascadeTests.close(f.escalationAtFloor.value, g["escalation_at_floor"], "\(name) e_C")
        CascadeTests.close(f.randomEscalationAtFloor.value, g["random_escalation_at_floor"], "\(name) e_R")
        CascadeTests.close(f.escalationRatio.value, g["escalation_ratio"], "\(name) e_C/e_R")
        CascadeTests.close(f.escalationRatioCalibrated.value, g["escalation_ratio_calibrated"], "\(name) 1 − a_S/a_L")
        CascadeTests.close(f.escalationRatioPerfect.value, g["escalation_ratio_perfect"], "\(name) (a_L − a_S)/α_W")
        CascadeTests.close(f.tailEdgeAtFloor.value, g["tail_edge_at_floor"], "\(name) tail edge at floor")
        if g["strong_cost_per_correct"] != nil {
            CascadeTests.close(f.strongCostPerCorrect.value, g["strong_cost_per_correct"], "\(name) D_L")
            CascadeTests.close(f.costPerCorrectAtFloor.value, g["cost_per_correct_at_floor"], "\(name) D at floor")
            CascadeTests.close(f.dominanceBandHi.value, g["dominance_band_hi"], "\(name) band")
            #expect(f.dominatesStrong == g["dominates_strong_at_floor"] as? Bool)
        } else {
            #expect(f.dominatesStrong == nil && f.costPerCorrectAtFloor.value == nil)
        }
    }

    @Test(arguments: ["hand", "discrete", "continuous"])
    func heldOutFoldsMatchTheGoldens(_ name: String) throws {
        let g = CascadeTests.golden[name] as! [String: Any]
        let held = g["heldout"] as! [String: Any]
        for objective in CascadeObjective.allCases {
            let h = try CascadeTests.analysis(name, objective: objective).heldOut
            let gh = held[objective.rawValue] as! [String: Any]
            let (_, x) = try CascadeTests.input(name)
            #expect(HeldOutFolds.assign(x.ids, folds: h.folds, seed: 3) == gh["fold"] as! [Int])
            for (k, gf) in (gh["folds_detail"] as! [[String: Any]]).enumerated() {
                let f = h.perFold[k]
                #expect(f.testQueries == gf["n_test"] as! Int)
                CascadeTests.close(f.threshold, gf["threshold"], "\(name) \(objective) τ[\(k)]", tol: 4e-15)
                CascadeTests.close(f.trainEscalation, gf["train_escalation"], "\(name) train e[\(k)]")
                CascadeTests.close(f.testEscalation, gf["test_escalation"], "\(name) test e[\(k)]")
                CascadeTests.close(f.testAccuracy, gf["test_accuracy"], "\(name) test A[\(k)]")
                CascadeTests.close(f.testAdvantage, gf["test_advantage"], "\(name) test Δ[\(k)]")
                CascadeTests.close(f.testAUC.value, gf["test_auc"], "\(name) test AUC[\(k)]")
            }
            CascadeTests.close(h.meanTestAdvantage, gh["mean_test_advantage"], "\(name) mean test Δ")
            CascadeTests.close(h.sdTestAdvantage, gh["sd_test_advantage"], "\(name) sd test Δ")
            CascadeTests.close(h.pooledEscalation, gh["pooled_test_escalation"], "\(name) pooled e")
            CascadeTests.close(h.pooledAccuracy, gh["pooled_test_accuracy"], "\(name) pooled A")
            CascadeTests.close(h.pooledAdvantage, gh["pooled_test_advantage"], "\(name) pooled Δ")
        }
    }

    @Test(arguments: ["hand", "discrete", "continuous"])
    func noiseAgreesStatisticallyAndTheIdentityHoldsOnEveryReplicate(_ name: String) throws {
        let g = (CascadeTests.golden[name] as! [String: Any])["noise"] as! [[String: Any]]
        let a = try CascadeTests.analysis(name)
        let c = a.curve
        let aS = c.cheapAccuracy
        #expect(
            c.integratedCalibration.isApproximatelyEqual(
                to: aS * (1 - aS) * (c.auc.value! - 0.5), absoluteTolerance: 1e-13))
        for (l, gl) in zip(a.noise.levels, g) {
            #expect(l.replicates.allSatisfy { $0.identityError <= 1e-13 }, "§13.5 identity at η = \(l.level)")
            let r = Double(l.replicates.count)
            for (mine, sd, key, gsd) in [
                (l.meanAUC.value!, l.sdAUC.value!, "mean_auc", "sd_auc"),
                (
                    l.meanIntegratedAdvantage, l.sdIntegratedAdvantage, "mean_integrated_advantage",
                    "sd_integrated_advantage"
                ),
            ] {
                let theirs = gl[key] as! Double
                let se = ((sd * sd + pow(gl[gsd] as! Double, 2)) / r).squareRoot()
                #expect(
                    mine.isApproximatelyEqual(to: theirs, absoluteTolerance: 4 * se + 1e-12),
                    "\(name) η = \(l.level) \(key): \(mine) vs \(theirs)")
            }
        }
    }

    @Test func simulatedConfidencesHaveTheirAUCAndCollapseUnderNoise() throws {
        var spec = SyntheticMatrix.Spec(law: .gaussian, queries: 4000, models: 2)
        spec.error = 0.4
        spec.rho = 0.3
        spec.seed = 9
        spec.confidenceAUC = 0.8
        let raw = try SyntheticMatrix(spec).raw
        let x = try CascadeInput(raw, cheap: "model_0", strong: "model_1", policy: .complete)
        var o = CascadeOptions()
        o.noiseLevels = [1]
        o.noiseSeeds = 50
        o.threads = 2
        let a = try CascadeAnalysis(x.sample, ids: x.ids, cheap: "model_0", strong: "model_1", options: o)
        let auc = a.curve.auc.value!
        let n1 = Double(a.curve.cheapRightTotal)
        let n0 = Double(a.curve.n) - n1
        let (q1, q2) = (0.8 / 1.2, 2 * 0.64 / 1.8)  // Hanley & McNeil (1982) at the true AUC
        let se = ((0.8 * 0.2 + (n1 - 1) * (q1 - 0.64) + (n0 - 1) * (q2 - 0.64)) / (n1 * n0)).squareRoot()
        #expect(auc.isApproximatelyEqual(to: 0.8, absoluteTolerance: 4 * se), "AUC \(auc) vs 0.8 (SE \(se))")
        let level = a.noise.levels[0]
        let seMean = level.sdIntegratedAdvantage / Double(level.replicates.count).squareRoot()
        #expect(
            level.meanIntegratedAdvantage.isApproximatelyEqual(to: 0, absoluteTolerance: 4 * seMean),
            "pure noise collapses to random mixing")
    }

    @Test func foldsDependOnIdsNotOnInputOrder() throws {
        let ids = (0..<500).map { "query-\($0)" }
        var rng = SystemRandomNumberGenerator()
        let shuffled = ids.shuffled(using: &rng)
        let a = HeldOutFolds.assign(ids, folds: 7, seed: 42)
        let b = HeldOutFolds.assign(shuffled, folds: 7, seed: 42)
        let byID = Dictionary(uniqueKeysWithValues: zip(shuffled, b))
        #expect(ids.indices.allSatisfy { a[$0] == byID[ids[$0]] })
        let sizes = (0..<7).map { k in a.filter { $0 == k }.count }
        #expect(sizes.max()! - sizes.min()! <= 1)
    }
}
