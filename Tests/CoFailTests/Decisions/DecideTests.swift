import Foundation
import Testing
@testable import CoFail

/// `decide` (METHODS §17) against the independent implementation of scripts/goldens/decide_scipy.py.
@Suite struct DecideTests {
    static let root = URL(fileURLWithPath: testsDirectory).deletingLastPathComponent().deletingLastPathComponent().path
    static let fixture = root + "/Tests/CoFailTests/Fixtures/decide/"
    nonisolated(unsafe) static let cases: [[String: Any]] = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: testsDirectory + "/Goldens/decide.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [[String: Any]]
    }()

    /// (matrix, texts, budget) of each golden case.
    static let runs: [String: (String, String?, Double?)] = [
        "math_l5": (root + "/examples/zeroeval_math_l5/matrix.csv", nil, nil),
        "synthetic": (fixture + "matrix.csv", nil, nil),
        "synthetic_texts": (fixture + "matrix.csv", fixture + "prompts.csv", 0.002),
        "synthetic_poor": (fixture + "matrix.csv", nil, 1e-5),
    ]

    static func input(_ path: String, texts: String? = nil) throws -> DecideInput {
        let raw = try MatrixLoader().load(path)
        let (x, cov) = try raw.applyCoverage(.complete)
        let costs = try CellCosts.select(raw, cov, modelCosts: nil)
        let signals = try texts.map { try RouterSignals.loadTexts($0, queryIDs: x.queryIDs).signals }
        return DecideInput(raw, matrix: x, coverage: cov, costs: costs, signals: signals)
    }

    static func run(_ name: String, threads: Int = 2) throws -> Decide {
        let (path, texts, budget) = runs[name]!
        var o = DecideOptions()
        o.budget = budget
        o.threads = threads
        return try Decide(input(path, texts: texts), options: o)
    }

    static func close(_ a: Double?, _ b: Any?, _ tol: Double = 1e-12) -> Bool {
        guard let b = b as? Double else {
            return a == nil
        }
        guard let a else {
            return false
        }
        return abs(a - b) <= tol * max(1, abs(b))
    }

    @Test(arguments: ["math_l5", "synthetic", "synthetic_texts", "synthetic_poor"])
    func everyCandidateMatchesTheIndependentImplementation(_ name: String) throws {
        let g = DecideTests.cases.first { $0["case"] as! String == name }!
        let d = try DecideTests.run(name)
        let want = g["candidates"] as! [String: [String: Any]]
        for c in d.candidates {
            let w = want[c.candidate.rawValue]!
            let label = "\(name) \(c.candidate.rawValue)"
            #expect(c.available == (w["available"] as! Bool), "\(label): available")
            guard c.available, w["available"] as! Bool, let p = c.paired else {
                continue
            }
            let correct = w["correct"] as! [Double]
            #expect(
                c.correct.count == correct.count && zip(c.correct, correct).allSatisfy { abs($0 - $1) <= 1e-12 },
                "\(label): out-of-fold correctness")
            if let cost = w["cost"] as? [Double] {
                #expect(zip(c.cost!, cost).allSatisfy { DecideTests.close($0, $1) }, "\(label): out-of-fold cost")
            } else {
                #expect(c.cost == nil)
            }
            #expect(DecideTests.close(c.accuracy, w["accuracy"]), "\(label): accuracy")
            #expect(DecideTests.close(c.meanCost, w["mean_cost"]), "\(label): cost")
            #expect(DecideTests.close(p.gain, w["gain"]), "\(label): gain")
            #expect(DecideTests.close(p.se.value, w["se"]), "\(label): se")
            #expect(DecideTests.close(p.ciLo.value, w["ci_lo"]), "\(label): ci lo")
            #expect(DecideTests.close(p.ciHi.value, w["ci_hi"]), "\(label): ci hi")
            #expect(p.discordantWins == w["wins"] as! Int && p.discordantLosses == w["losses"] as! Int, "\(label)")
            #expect(DecideTests.close(p.mcnemarP.value, w["mcnemar_p"], 1e-9), "\(label): McNemar")
            #expect(p.verdict?.rawValue == w["verdict"] as? String, "\(label): verdict")
            #expect(DecideTests.close(c.capturedShare.value, w["captured_share"]), "\(label): captured share")
            #expect(c.meetsBudget == w["meets_budget"] as! Bool, "\(label): meets budget")
            let choices = w["choices"] as! [[String: Any]]
            for (f, (x, cw)) in zip(c.choices, choices).enumerated() {
                let models = x.models.map { d.modelNames[$0] }
                switch c.candidate {
                case .singleBest, .cheapestWithinBand, .vote, .cascade, .bestMixture:
                    #expect(models == cw["models"] as! [String], "\(label) fold \(f): models")
                case .routeType:
                    let types = cw["types"] as! [String: String]
                    for t in x.typeModels! {
                        #expect(types[t.type] == d.modelNames[t.model], "\(label) fold \(f): type \(t.type)")
                    }
                case .routeKNN:
                    #expect(DecideTests.close(x.lambda, cw["lambda_c"], 1e-9), "\(label) fold \(f): λ_c")
                case .routeLogistic:
                    #expect(DecideTests.close(x.lambda, cw["lambda_c"], 1e-4), "\(label) fold \(f): λ_c")
                }
                if c.candidate == .cascade {
                    #expect(DecideTests.close(x.threshold, cw["threshold"]), "\(label) fold \(f): threshold")
                }
                if c.candidate == .bestMixture, let wt = cw["weight"] as? Double {
                    #expect(DecideTests.close(x.weight ?? 0, wt), "\(label) fold \(f): weight")
                }
                if let met = cw["budget_met"] as? Bool {
                    #expect(x.budgetMet == met, "\(label) fold \(f): budget met")
                }
            }
        }
        #expect(d.recommendation.rawValue == g["recommendation"] as! String, "\(name): recommendation")
    }

    @Test func theResultDoesNotDependOnTheThreadCount() throws {
        let one = try DecideTests.run("synthetic_texts", threads: 1)
        let three = try DecideTests.run("synthetic_texts", threads: 3)
        for (a, b) in zip(one.candidates, three.candidates) {
            #expect(a.correct == b.correct && a.cost == b.cost && a.available == b.available)
        }
        #expect(one.reason == three.reason)
    }

    /// A model right on every query of fold 0 and wrong elsewhere looks best on fold 0's test
    /// queries but is never chosen for them: selection reads the training folds only.
    @Test func selectionReadsTheTrainingFoldsOnly() throws {
        let n = 300
        let ids = (0..<n).map { String(format: "q%03d", $0) }
        let fold = HeldOutFolds.assign(ids, folds: 5, seed: 0)
        var rng = SplitMix64(state: 3)
        var text = "query,model,correct,cost,type\n"
        for q in 0..<n {
            text += "\(ids[q]),planted,\(fold[q] == 0 ? 1 : 0),0.002,t\(q % 2)\n"
            for name in ["a", "b", "c"] {
                text += "\(ids[q]),\(name),\(rng.next() % 10 < 6 ? 1 : 0),0.002,t\(q % 2)\n"
            }
        }
        let d = try Decide(DecideTests.input(try tempFile(text)), options: DecideOptions())
        #expect(d.candidates.filter(\.available).count == 4)
        for c in d.candidates where c.available {
            let used = c.choices[0].models + (c.choices[0].typeModels ?? []).map(\.model)
            #expect(!used.contains(0), "\(c.candidate.rawValue) chose the planted model on fold 0")
        }
        // on fold 0 the single best is one of a, b, c: held out, it is right about 60 % of the time there
        #expect(d.outcome(.singleBest).choices[0].models != [0])
        let test0 = (0..<n).filter { fold[$0] == 0 }
        let right = test0.filter { d.outcome(.singleBest).correct[$0] == 1 }.count
        #expect(right < test0.count)
    }

    @Test func oneModelLeavesOnlyTheSingleBest() throws {
        let d = try Decide(
            DecideTests.input(try tempFile("query,model,correct\nq1,a,1\nq2,a,0\nq3,a,1\nq4,a,1\nq5,a,0\n")),
            options: DecideOptions())
        #expect(d.candidates.filter(\.available).map(\.candidate) == [.singleBest])
        #expect(d.outcome(.vote).unavailableReason!.contains("one model"))
        #expect(d.reason.hasPrefix("one model (a)"))
        #expect(d.recommendation == .singleBest)
    }

    @Test func noPoolGainSaysNoPolicyCanBeatTheSingleBest() throws {
        // b is right wherever anyone is: G = 0
        var text = "query,model,correct\n"
        for q in 0..<40 {
            let b = q % 3 != 0
            let a = b && q % 2 == 0
            text += "q\(q),a,\(a ? 1 : 0)\nq\(q),b,\(b ? 1 : 0)\nq\(q),c,\(a ? 1 : 0)\n"
        }
        let d = try Decide(DecideTests.input(try tempFile(text)), options: DecideOptions())
        #expect(d.certificate.oracleGain == 0)
        #expect(d.reason.contains("no policy can beat the single best"), "\(d.reason)")
        #expect(d.recommendation == .singleBest)
        #expect(d.outcome(.singleBest).capturedShare.value == nil)
    }

    @Test func aBudgetBelowEveryModelIsSaidPlainly() throws {
        let d = try DecideTests.run("synthetic_poor")
        #expect(d.recommendation == .bestMixture)
        #expect(d.bestMixtureAllQueries?.meetsBudget == false)
        #expect(d.outcome(.bestMixture).choices.allSatisfy { !$0.budgetMet })
        #expect(d.reason.contains("below every model's mean cost"), "\(d.reason)")
        #expect(!d.outcome(.bestMixture).meetsBudget)
    }

    /// `route --folds` and `decide` share the type router of §17.3 item 5.
    @Test func routeFoldsAndDecideRouteByTheSameRule() throws {
        let d = try DecideTests.run("synthetic_texts")
        let input = try DecideTests.input(DecideTests.fixture + "matrix.csv")
        let data = try RouteData(matrix: input.matrix, costs: input.costs!, types: input.types)
        let t = try TypeRouter(data, policyBudget: 0.002, folds: 5, seed: 0, frontiers: [])
        let viaRoute = (0..<data.n).map { Double(data.matrix.isError(query: $0, model: t.routes[$0]) ? 0 : 1) }
        #expect(viaRoute == d.outcome(.routeType).correct)
    }

    @Test func cliErrorsAndPage() throws {
        let m = DecideTests.fixture + "matrix.csv"
        let noCosts = try runCLI([
            "decide", DecideTests.root + "/examples/zeroeval_math_l5/matrix.csv", "--budget", "1",
        ])
        #expect(noCosts.status == 64 && noCosts.stderr.contains("--budget needs costs"), "\(noCosts.stderr)")
        for bad in [
            ["--folds", "1"], ["--overhead", "2"], ["--vote-pool", "2"], ["--max-vote-size", "1"],
            ["--alpha", "0"], ["--budget", "-1"], ["--texts", m, "--features", m],
        ] {
            let r = try runCLI(["decide", m] + bad)
            #expect(r.status == 64, "\(bad): \(r.stderr)")
        }
        let html = scratchPath("decide", ".html")
        let r = try runCLI(["decide", m, "--budget", "0.002", "--html", html, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        for forbidden in ["<script", "http://", "https://", "src=", "@import", "url("] {
            #expect(!page.contains(forbidden), "the page references \(forbidden)")
        }
        for name in DecideCandidate.allCases {
            #expect(page.contains(name.rawValue))
        }
        #expect(page.contains("<svg") && page.contains("ceiling 1 − β"))
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let decide = json["decide"] as! [String: Any]
        #expect(page.contains(decide["reason"] as! String))
        // a missing prompt row is exit 65 naming the file
        let texts = try tempFile("query,text\nq00000,hello\n")
        let missing = try runCLI(["decide", m, "--texts", texts])
        #expect(missing.status == 65 && missing.stderr.contains(texts), "\(missing.stderr)")
    }
}
