import Foundation
import Testing
@testable import CoFail

/// `timeline` (METHODS §19) against scripts/goldens/timeline_scipy.py on MATH level 5.
@Suite struct TimelineTests {
    static let root = URL(fileURLWithPath: testsDirectory).deletingLastPathComponent().deletingLastPathComponent().path
    static let math = root + "/examples/zeroeval_math_l5/"

    static func data() throws -> (RouteData, [String]) {
        let raw = try MatrixLoader().load(math + "matrix.csv")
        let (x, cov) = try raw.applyCoverage(.complete)
        let costs = try CellCosts.select(raw, cov, modelCosts: ModelCosts.load(math + "model_costs.csv"))!
        let reg = try ModelRegistry.load(math + "timeline.csv")
        return (try RouteData(matrix: x, costs: costs, types: nil), x.modelNames.map { reg.entries[$0]!.released! })
    }

    @Test func everyDateMatchesTheIndependentImplementation() throws {
        let url = URL(fileURLWithPath: testsDirectory + "/Goldens/timeline.json")
        let golden = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [[String: Any]]
        let (data, released) = try TimelineTests.data()
        let close = { (a: Double?, b: Any?) -> Bool in
            guard let a, let b = b as? Double else { return a == nil && !(b is Double) }
            return abs(a - b) <= 1e-12 * max(1, abs(b))
        }
        for (k, g) in golden.enumerated() {
            let commit = g["commit"] as! String
            let t = try ReleaseTimeline(data, released: released, commitDate: k == 0 ? nil : commit, alpha: 0.05)
            #expect(t.commitDate == commit)
            let rows = g["dates"] as! [[String: Any]]
            #expect(t.rows.count == rows.count)
            for (r, w) in zip(t.rows, rows) {
                let label = "\(commit) \(r.date)"
                #expect(r.date == w["date"] as! String)
                #expect(r.newModels == w["new_models"] as! [String], "\(label)")
                #expect(r.models.count == w["n_models"] as! Int, "\(label)")
                #expect(r.bestModel == w["best_model"] as! String, "\(label)")
                #expect(r.kAllWrong == w["k_all_wrong"] as! Int, "\(label)")
                for (a, key) in [
                    (r.bestAccuracy, "best_accuracy"), (r.beta, "beta"), (r.oracleAccuracy, "oracle_accuracy"),
                    (r.oracleGain, "oracle_gain"), (r.optionValue, "option_value"),
                ] {
                    #expect(close(a, w[key]), "\(label) \(key)")
                }
                #expect(abs(r.betaCILo - (w["beta_ci_lo"] as! Double)) <= 1e-9, "\(label) ci lo")
                #expect(abs(r.betaCIHi - (w["beta_ci_hi"] as! Double)) <= 1e-9, "\(label) ci hi")
                #expect(close(r.bestSingleCostPerCorrect.value, w["best_single_cost_per_correct"]), "\(label)")
                #expect(close(r.oracleMinCostPerCorrect.value, w["oracle_min_cost_per_correct"]), "\(label)")
            }
            #expect(close(t.costPerCorrectFall.value, g["cost_per_correct_fall"]))
            #expect(close(t.oracleCostPerCorrectFall.value, g["oracle_cost_per_correct_fall"]))
        }
    }

    /// The incrementally kept per-query hulls give the frontier a fresh build over the pool gives.
    @Test func incrementalOracleEqualsAFreshFrontier() throws {
        let (data, released) = try TimelineTests.data()
        let t = try ReleaseTimeline(data, released: released, commitDate: nil, alpha: 0.05)
        for r in t.rows {
            let pool = r.models.map { data.matrix.modelNames.firstIndex(of: $0)! }
            var values: [Double] = []
            for i in pool {
                for q in 0..<data.n {
                    values.append(data.costs.cost(query: q, model: i))
                }
            }
            let sub = try RouteData(
                matrix: OutcomeMatrix(
                    modelNames: r.models, queryIDs: data.matrix.queryIDs, families: pool.map { _ in nil },
                    errors: pool.flatMap { i in data.matrix.errors[i * data.matrix.words..<(i + 1) * data.matrix.words]
                    }),
                costs: CellCosts(n: data.n, m: pool.count, values: values), types: nil)
            let fresh = try RouteFrontier(sub, partition: .query).minCostPerCorrect.value.value
            #expect(fresh == r.oracleMinCostPerCorrect.value, "\(r.date)")
        }
    }

    @Test func dates() {
        #expect(ReleaseDate.dayNumber("1970-01-01") == 0)
        #expect(ReleaseDate.dayNumber("2024-02-29") == 19782)
        #expect(ReleaseDate.dayNumber("2000-03-01") == 11017)
        #expect(ReleaseDate.dayNumber("1969-12-31") == -1)
        let bad = [
            "2023-02-29", "2024-13-01", "2024-1-01", "24-01-01", "2024-01-32", "2024/01/01", "２０２４-01-01",
        ]
        for bad in bad {
            #expect(ReleaseDate.dayNumber(bad) == nil, "\(bad)")
        }
    }

    @Test func cliErrors() throws {
        let m = TimelineTests.math + "matrix.csv"
        let costs = TimelineTests.math + "model_costs.csv"
        var text = try String(contentsOfFile: TimelineTests.math + "timeline.csv", encoding: .utf8)
        text = text.replacingOccurrences(of: ",2024-09-12\n", with: ",\n")
        let undated = try tempFile(text)
        let r = try runCLI(["timeline", m, "--registry", undated, "--model-costs", costs])
        #expect(
            r.status == 65 && r.stderr.contains("o1-mini-2024-09-12") && r.stderr.contains("o1-preview"), "\(r.stderr)")
        let bad = try tempFile("model,family,released\na,x,2024-02-30\n")
        let b = try runCLI(["timeline", m, "--registry", bad, "--model-costs", costs])
        #expect(b.status == 65 && b.stderr.contains("2024-02-30") && b.stderr.contains(":2"), "\(b.stderr)")
        let noCosts = try runCLI(["timeline", m, "--registry", TimelineTests.math + "timeline.csv"])
        #expect(noCosts.status == 64 && noCosts.stderr.contains("no cost"), "\(noCosts.stderr)")
        let early = try runCLI([
            "timeline", m, "--registry", TimelineTests.math + "timeline.csv", "--model-costs", costs, "--commit-date",
            "2020-01-01",
        ])
        #expect(early.status == 64, "\(early.stderr)")
        let noRegistry = try runCLI(["timeline", m, "--model-costs", costs])
        #expect(noRegistry.status == 64)
        let svg = scratchPath("timeline", ".svg")
        let ok = try runCLI([
            "timeline", m, "--registry", TimelineTests.math + "timeline.csv", "--model-costs", costs, "--plot", svg,
            "--format", "json",
        ])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(try String(contentsOfFile: svg, encoding: .utf8).contains("Dollars per correct"))
    }
}
