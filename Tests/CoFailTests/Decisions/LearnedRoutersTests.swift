import Foundation
import Testing

@testable import CoFail

/// Learned routers (METHODS §16) against an independent Python implementation
/// (scripts/goldens/learned_sklearn.py): text features by hand with unicodedata, kNN by brute force
/// with numpy, the logistic router by scikit-learn's LogisticRegression(C = 1/λ, newton-cg), the
/// routing rule with λ_c by scanning every breakpoint, the paired comparison by SciPy.
@Suite struct LearnedRoutersTests {
    static let root = URL(fileURLWithPath: testsDirectory).appendingPathComponent("../..").standardized.path

    static func json(_ name: String) throws -> Any {
        let url = URL(fileURLWithPath: testsDirectory).appendingPathComponent("Goldens/\(name)")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url))
    }

    static func pairs(_ v: Any) -> [(Int32, Double)] {
        (v as! [[Any]]).map { (Int32(($0[0] as! NSNumber).intValue), ($0[1] as! NSNumber).doubleValue) }
    }

    @Test func textFeaturesMatchTheHandGoldens() throws {
        let g = try LearnedRoutersTests.json("text_features.json") as! [String: Any]
        let cases = g["cases"] as! [[String: Any]]
        for c in cases {
            let text = c["text"] as! String
            #expect(TextFeatures.tokens(text) == c["tokens"] as! [String], "\(text)")
            for (d, key) in [(1 << 18, "tf_262144"), (16, "tf_16")] {
                let mine = TextFeatures.termFrequencies(text, buckets: d)
                let want = LearnedRoutersTests.pairs(c[key]!)
                #expect(mine.map(\.bucket) == want.map(\.0), "\(text) D=\(d)")
                for (a, b) in zip(mine, want) {
                    #expect(abs(a.tf - b.1) <= 1e-12)
                }
            }
        }
        // tf-idf with idf from the training texts; an unseen bucket counts in the norm only
        let texts = cases.map { $0["text"] as! String }
        let train = Set(g["tfidf_train"] as! [Int])
        let fold = texts.indices.map { train.contains($0) ? 0 : 1 }
        let tf = texts.map { TextFeatures.termFrequencies($0, buckets: 16) }
        let rows = FoldRows.text(tf, fold: fold, f: 1, buckets: 16)
        var seen = Set<Int32>()
        for q in train {
            seen.formUnion(tf[q].map(\.bucket))
        }
        let columns = seen.sorted()
        let want = (g["tfidf_rows_16"] as! [Any]).map(LearnedRoutersTests.pairs)
        for (set, queries) in [(rows.knnTrain, rows.train), (rows.knnTest, rows.test)] {
            for (r, q) in queries.enumerated() {
                let mine = set.row(r).map { (columns[Int(set.col[$0])], set.val[$0]) }
                let expected = want[q].filter { seen.contains($0.0) }
                #expect(mine.map(\.0) == expected.map(\.0), "row \(q)")
                for (a, b) in zip(mine, expected) {
                    #expect(abs(a.1 - b.1) <= 1e-12, "row \(q)")
                }
            }
        }
    }

    @Test func routersMatchTheIndependentImplementation() throws {
        let configs = try LearnedRoutersTests.json("learned.json") as! [[String: Any]]
        #expect(configs.count == 6)
        for c in configs {
            let base = LearnedRoutersTests.root + "/Tests/CoFailTests/Fixtures/learned/" + (c["case"] as! String)
            let raw = try MatrixLoader().load(base + "/matrix.csv")
            let (x, cov) = try raw.applyCoverage(.complete)
            let costs = try CellCosts.select(raw, cov, modelCosts: nil)!
            let data = try RouteData(matrix: x, costs: costs, types: QueryTypes.select(raw, cov))
            let kind = c["kind"] as! String
            let signals =
                kind == "text"
                ? try RouterSignals.loadTexts(base + "/texts.csv", queryIDs: x.queryIDs)
                : try RouterSignals.loadFeatures(base + "/features.csv", queryIDs: x.queryIDs)
            var o = LearnedRouterOptions()
            o.budget = (c["budget"] as? NSNumber)?.doubleValue
            o.threads = 3
            let l = try LearnedRouters(data, hasCosts: true, signals: signals.signals, frontiers: [], options: o)
            let name = "\(c["case"]!) \(kind) \(String(describing: o.budget))"
            #expect(abs(l.baselineAccuracy - (c["baseline_accuracy"] as! NSNumber).doubleValue) <= 1e-12, "\(name)")
            let learners = c["learners"] as! [String: [String: Any]]
            #expect(Set(learners.keys).isSubset(of: l.results.map(\.learner.rawValue)), "\(name)")
            // the golden has the type router without a budget only
            for r in l.results {
                guard let g = learners[r.learner.rawValue] else {
                    continue
                }
                let tag = "\(name) \(r.learner)"
                func value(_ k: String) -> Double { (g[k] as! NSNumber).doubleValue }
                let predictions = (g["predictions"] as! [NSNumber]).map(\.doubleValue)
                let tol = r.learner == .logistic ? 1e-6 : 1e-12
                let worst = zip(r.predictions, predictions).map { abs($0 - $1) }.max()!
                #expect(worst <= tol, "\(tag): p̂ differs by \(worst)")
                #expect(r.routes == (g["routes"] as! [Int]), "\(tag)")
                #expect(abs(r.evaluation.accuracy - value("accuracy")) <= 1e-12, "\(tag)")
                #expect(abs(r.evaluation.cost - value("cost")) <= 1e-12, "\(tag)")
                #expect(abs(r.evaluation.capturedShare.value! - value("captured_share")) <= 1e-9, "\(tag)")
                #expect(abs(r.evaluation.shareRoutedToBest - value("share_routed_to_best")) <= 1e-12, "\(tag)")
                #expect(abs(r.paired.gain - value("gain")) <= 1e-12, "\(tag)")
                for (q, k) in [(r.paired.se, "se"), (r.paired.ciLo, "ci_lo"), (r.paired.ciHi, "ci_hi")] {
                    #expect(abs(q.value! - value(k)) <= 1e-9, "\(tag) \(k)")
                }
                #expect(r.paired.discordantWins == g["wins"] as! Int, "\(tag)")
                #expect(r.paired.discordantLosses == g["losses"] as! Int, "\(tag)")
                if let p = g["mcnemar_p"] as? NSNumber {
                    #expect(abs(r.paired.mcnemarP.value! - p.doubleValue) <= 1e-9, "\(tag)")
                } else {
                    #expect(r.paired.mcnemarP.value == nil, "\(tag)")
                }
                #expect(abs(r.meanAUC.value! - value("mean_auc")) <= 1e-6, "\(tag)")
                #expect(abs(r.meanBrier - value("mean_brier")) <= 1e-6, "\(tag)")
                #expect(r.meetsBudget == g["meets_budget"] as! Bool, "\(tag)")
                for (mine, want) in zip(r.folds, g["folds"] as! [[Any]]) {
                    let lambda = (want[0] as? NSNumber)?.doubleValue
                    #expect((mine.lambda == nil) == (lambda == nil), "\(tag)")
                    // λ_c = Δp̂/Δc̄ at a breakpoint: p̂'s 1e-6 agreement (logistic) is magnified by 1/Δp̂
                    let rel = r.learner == .logistic ? 1e-4 : 1e-9
                    if let a = mine.lambda, let b = lambda {
                        #expect(abs(a - b) <= rel * max(1, abs(b)), "\(tag): λ_c \(a) vs \(b)")
                    }
                    #expect(mine.budgetMet == want[2] as! Bool, "\(tag)")
                }
            }
        }
    }

    @Test func logisticFitsToTheGradientTolerance() throws {
        var x = SparseRows(columns: 3)
        var y: [UInt8] = []
        var rng = SplitMix64(state: 5)
        for r in 0..<200 {
            let a = Double(rng.next() >> 11) * 0x1p-53
            let b = Double(rng.next() >> 11) * 0x1p-53
            x.append([(Int32(0), a), (Int32(2), b)])
            y.append(a + 0.5 * b + 0.3 * Double(r % 3) > 0.9 ? 1 : 0)
        }
        let fit = try LogisticKernel.fit(x, y, lambda: 1)
        #expect(fit.gradientNorm <= 1e-8)
        #expect(fit.weights[1] == 0)
        #expect(throws: KernelError.self) { try LogisticKernel.fit(x, Array(repeating: 1, count: 200), lambda: 1) }
    }

    @Test func pairedComparisonEdgeCases() {
        let same = PairedComparison(policy: [1, 0, 1, 1], baseline: [1, 0, 1, 1], alpha: 0.05, overhead: 0.01)
        #expect(same.gain == 0 && same.mcnemarP.value == 1 && same.verdict == .doesNotPay)
        let mixed = PairedComparison(policy: [1, 0, 1, 1], baseline: [0.5, 0, 1, 1], alpha: 0.05, overhead: 0.01)
        #expect(mixed.mcnemarP.value == nil)
        // McNemar: 8 wins, 1 loss: 2·P(Bin(9, ½) ≤ 1) = 2·10/512
        #expect(abs(PairedComparison.mcnemar(wins: 8, losses: 1) - 20.0 / 512) <= 1e-15)
    }
}
