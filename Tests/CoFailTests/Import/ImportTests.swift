import Foundation
import Numerics
import Testing
@testable import CoFail

/// `cofail import inspect` on real Inspect AI logs (Fixtures/inspect, see its PROVENANCE.md):
/// the expected cells are the scores those logs record.
/// Import options with a repeat policy and a threshold.
func importOptions(_ repeats: RepeatPolicy? = nil, threshold: Double? = nil) -> ImportOptions {
    var o = ImportOptions()
    o.repeats = repeats
    o.scoring = Scoring(threshold: threshold)
    return o
}

@Suite struct ImportTests {
    static let dir = URL(fileURLWithPath: testsDirectory).appendingPathComponent(
        "Fixtures/inspect"
    ).path

    static func cell(_ raw: RawMatrix, _ query: String, _ model: String) -> Bool? {
        guard let q = raw.queryIDs.firstIndex(of: query), let i = raw.modelNames.firstIndex(of: model) else {
            return nil
        }
        let bit = UInt64(1) << UInt64(q & 63)
        guard raw.answered[i][q >> 6] & bit != 0 else {
            return nil
        }
        return raw.correct[i][q >> 6] & bit != 0
    }

    @Test func realLogsBecomeALongMatrix() throws {
        var importer = InspectImporter()
        importer.options.prices = ["openai/gpt-4o-mini": TokenPrice(input: 0.15, output: 0.6)]
        // A price table that prices only some of the logged models is refused, naming the others.
        #expect {
            try importer.load([ImportTests.dir])
        } throws: { e in
            "\(e)".contains("ollama/gemma3") && "\(e)".contains("ollama/llama3.1") && "\(e)".contains("no price")
        }
        importer.options.prices["ollama/gemma3"] = TokenPrice(input: 0, output: 0)
        importer.options.prices["ollama/llama3.1"] = TokenPrice(input: 0, output: 0)
        let raw = try importer.load([ImportTests.dir])
        #expect(Set(raw.modelNames) == ["openai/gpt-4o-mini", "ollama/llama3.1", "ollama/gemma3"])
        #expect(Set(raw.queryIDs) == ["popularity/1", "popularity/2", "popularity/3"])
        #expect(ImportTests.cell(raw, "popularity/1", "openai/gpt-4o-mini") == true)
        #expect(ImportTests.cell(raw, "popularity/2", "openai/gpt-4o-mini") == true)
        #expect(ImportTests.cell(raw, "popularity/3", "openai/gpt-4o-mini") == false)
        #expect(ImportTests.cell(raw, "popularity/1", "ollama/llama3.1") == false)
        #expect(ImportTests.cell(raw, "popularity/1", "ollama/gemma3") == true)
        #expect(ImportTests.cell(raw, "popularity/2", "ollama/gemma3") == nil)
        #expect(raw.queryTypes! == Array(repeating: "popularity", count: 3))
        // 64 input and 2 output tokens at $0.15 and $0.60 per million.
        let gpt = raw.modelNames.firstIndex(of: "openai/gpt-4o-mini")!
        let q1 = raw.queryIDs.firstIndex(of: "popularity/1")!
        #expect(raw.costs![gpt][q1].isApproximatelyEqual(to: (64 * 0.15 + 2 * 0.6) / 1e6, absoluteTolerance: 1e-18))
    }

    @Test func evalContainersReadLikeJSONLogs() throws {
        let dir = URL(fileURLWithPath: ImportTests.dir).deletingLastPathComponent().appendingPathComponent(
            "inspect-eval"
        ).path
        let raw = try InspectImporter().load([dir])
        #expect(ImportTests.cell(raw, "popularity/1", "ollama/gemma3") == true)
        let gpt = (1...10).map { ImportTests.cell(raw, "popularity/\($0)", "openai/gpt-4o-mini") }
        #expect(gpt == [true, true, false, true, true, true, false, true, true, true])
        let bad = try tempFile("not a zip", suffix: ".eval")
        let r = try runCLI(["import", "inspect", bad])
        #expect(r.status == 65 && r.stderr.contains("not a zip archive"))
    }

    @Test func commandsReadLogsDirectlyAndBadLogsAreDataErrors() throws {
        let r = try runCLI(["certify", "--from", "inspect", ImportTests.dir, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let data = report["data"] as! [String: Any]
        #expect(data["n_queries"] as? Int == 1 && data["n_models"] as? Int == 3)
        let truncated = try tempFile(
            String(
                try String(contentsOfFile: ImportTests.dir + "/popularity-gemma3.json", encoding: .utf8).prefix(500)),
            suffix: ".json")
        let t = try runCLI(["import", "inspect", truncated])
        #expect(t.status == 65 && t.stderr.contains("not an Inspect log"))
        let copy = try tempFile(
            try String(contentsOfFile: ImportTests.dir + "/popularity-gemma3.json", encoding: .utf8), suffix: ".json")
        let dup = try runCLI(["import", "inspect", ImportTests.dir + "/popularity-gemma3.json", copy])
        #expect(dup.status == 65 && dup.stderr.contains("already has sample 0 of this query"))
        let scorer = try runCLI(["import", "inspect", ImportTests.dir, "--scorer", "nope"])
        #expect(scorer.status == 65 && scorer.stderr.contains("no score 'nope'"))
        #expect(try runCLI(["bootstrap", "--from", "inspect", ImportTests.dir]).status == 64)
    }

    /// The cell of one score under a scoring rule.
    static func cell(_ v: ScoreValue, _ scoring: Scoring) throws -> CellValue {
        let at = InputLocation(file: "f")
        return try scoring.cell(try v.score(location: at, query: "q"), location: at, query: "q", text: v.text)
    }

    @Test func scoreVocabulary() throws {
        let half = Scoring(threshold: 0.5)
        for (v, want) in [
            (ScoreValue.string("C"), CellValue.correct), (.string("I"), .wrong), (.string("N"), .wrong),
            (.string("P"), .correct), (.bool(false), .wrong), (.number(0.25), .wrong), (.string("yes"), .correct),
            (.number(1), .correct), (.number(3), .correct), (.number(.nan), .missing), (.number(.infinity), .correct),
            (.number(-.infinity), .wrong),
        ] {
            #expect(try ImportTests.cell(v, half) == want, "\(v)")
        }
        #expect(throws: CoFailError.self) { try ImportTests.cell(.string("P"), Scoring()) }
        #expect(throws: CoFailError.self) { try ImportTests.cell(.string("maybe"), half) }
        #expect(throws: CoFailError.self) { try ImportTests.cell(.other, half) }
        // Any finite threshold (eqbench is 0-100); lower is better for errors and perplexities.
        #expect(try ImportTests.cell(.number(71.5), Scoring(threshold: 70)) == .correct)
        #expect(try ImportTests.cell(.number(1), Scoring(threshold: 70)) == .wrong)
        #expect(try ImportTests.cell(.number(0.2), Scoring(threshold: 0.3, lowerIsBetter: true)) == .correct)
        #expect(try ImportTests.cell(.number(0.4), Scoring(threshold: 0.3, lowerIsBetter: true)) == .wrong)
        #expect(try ImportTests.cell(.number(.infinity), Scoring(threshold: 3, lowerIsBetter: true)) == .wrong)
        #expect(try ImportTests.cell(.number(.nan), Scoring()) == .missing)
    }
}

/// `cofail import lm-eval` on logs written by lm-evaluation-harness 0.4.13 itself
/// (Fixtures/lm-eval, see its PROVENANCE.md). Expected cells are read from the same files with
/// Foundation's JSONSerialization, a parser independent of the importer's byte-level one.
@Suite struct LMEvalImportTests {
    static let dir = URL(fileURLWithPath: testsDirectory).appendingPathComponent(
        "Fixtures/lm-eval"
    ).path

    /// (query → value) of one samples file under one metric and filter, read independently.
    static func expected(_ path: String, metric: String, filter: String) throws -> [String: Double] {
        let task = String(
            (path as NSString).lastPathComponent.dropFirst("samples_".count).split(separator: "_2026")[0])
        var out: [String: Double] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            if o["filter"] as? String == filter {
                out["\(task)/\(o["doc_id"] as! Int)"] = (o[metric] as! NSNumber).doubleValue
            }
        }
        return out
    }

    static func files(_ sub: String) throws -> [String] {
        let root = dir + "/" + sub
        return try FileManager.default.subpathsOfDirectory(atPath: root).filter {
            ($0 as NSString).lastPathComponent.hasPrefix("samples_")
        }.sorted().map { root + "/" + $0 }
    }

    @Test func harnessLogsBecomeALongMatrix() throws {
        var notes: [String] = []
        let raw = try LMEvalImporter().load([LMEvalImportTests.dir + "/runs"]) { notes.append($0) }
        #expect(raw.modelNames == ["acme/alpha-7b", "acme/beta-13b", "zeta/gamma-2b"])
        #expect(raw.queryCount == 20)
        #expect(notes.count == 2 && notes[0].hasPrefix("cofail_capitals: acc,none (default"))
        #expect(notes[1].hasPrefix("cofail_sums: exact_match,strict-match (default"))
        var checked = 0
        for path in try LMEvalImportTests.files("runs") {
            let model = [
                "acme__alpha-7b": "acme/alpha-7b", "acme__beta-13b": "acme/beta-13b",
                "zeta__gamma-2b": "zeta/gamma-2b",
            ][
                ((path as NSString).deletingLastPathComponent as NSString)
                    .lastPathComponent]!
            let sums = path.contains("cofail_sums")
            let want = try LMEvalImportTests.expected(
                path, metric: sums ? "exact_match" : "acc", filter: sums ? "strict-match" : "none")
            for (query, value) in want {
                #expect(ImportTests.cell(raw, query, model) == (value == 1), "\(query) \(model)")
                let q = raw.queryIDs.firstIndex(of: query)!
                #expect(raw.queryTypes![q] == (sums ? "cofail_sums" : "cofail_capitals"))
                checked += 1
            }
        }
        #expect(checked == 60)
        // The harness's own aggregate for acme/alpha-7b (results file: acc,none = 0.25).
        let alpha = (0..<12).map { ImportTests.cell(raw, "cofail_capitals/\($0)", "acme/alpha-7b")! }
        #expect(alpha.filter { $0 }.count == 3)
    }

    @Test func repeatedRunsAreSamples() throws {
        let repeat_ = LMEvalImportTests.dir + "/repeat"
        let runs = try LMEvalImportTests.files("repeat").filter { $0.contains("capitals") }
        let a = try LMEvalImportTests.expected(runs[0], metric: "acc", filter: "none")
        let b = try LMEvalImportTests.expected(runs[1], metric: "acc", filter: "none")
        // Without --aggregate the two runs are samples 0 and 1 (by date) of each document.
        let r = try runCLI(["import", "lm-eval", repeat_])
        #expect(r.status == 0 && r.stdout.hasPrefix("query,model,correct,sample,type\n"), "\(r.stderr)")
        let samples = try LMEvalImporter().load([repeat_])
        #expect(samples.samples?.maxSamples == 2)
        for (query, x) in a {
            #expect(ImportTests.cell(samples, query, "acme/alpha-7b") == (x == 1))
            #expect(r.stdout.contains("\(query),acme/alpha-7b,\(Int(b[query]!)),1,"))
        }
        let first = try LMEvalImporter(options: importOptions(.first)).load([repeat_])
        let majority = try LMEvalImporter(options: importOptions(.majority)).load([repeat_])
        let mean = try LMEvalImporter(options: importOptions(.mean, threshold: 0.5)).load([repeat_])
        var disagreements = 0
        for (query, x) in a {
            let y = b[query]!
            #expect(ImportTests.cell(first, query, "acme/alpha-7b") == (x == 1))
            #expect(ImportTests.cell(majority, query, "acme/alpha-7b") == (x == 1 && y == 1))
            #expect(ImportTests.cell(mean, query, "acme/alpha-7b") == (x == 1 || y == 1))
            disagreements += x != y ? 1 : 0
        }
        #expect(disagreements > 0)
        // A mean of 1/2 is a fraction: without a threshold it is refused.
        #expect(throws: CoFailError.self) { try LMEvalImporter(options: importOptions(.mean)).load([repeat_]) }
    }

    @Test func metricsFiltersModelsAndBadLogs() throws {
        let runs = LMEvalImportTests.dir + "/runs"
        let wrongFilter = try runCLI(["import", "lm-eval", runs, "--metric", "exact_match,flexible-extract"])
        #expect(wrongFilter.status == 65 && wrongFilter.stderr.contains("cofail_capitals"))
        let sums = try LMEvalImportTests.files("runs").filter { $0.contains("cofail_sums") }
        let flexible = try runCLI(["import", "lm-eval"] + sums + ["--metric", "exact_match,flexible-extract"])
        #expect(flexible.status == 0 && flexible.stdout.split(separator: "\n").count == 1 + 24, "\(flexible.stderr)")
        let noMetric = try runCLI(["import", "lm-eval", runs, "--metric", "f1"])
        #expect(noMetric.status == 65 && noMetric.stderr.contains("no metric 'f1'"))
        // Three runs named as one model are three samples of it.
        let merged = try runCLI(["import", "lm-eval", runs, "--model", "one"])
        #expect(merged.status == 0 && merged.stdout.contains(",one,") && merged.stderr.contains("up to 3 samples"))
        let renamed = try runCLI(["import", "lm-eval", runs + "/acme__beta-13b", "--model", "beta"])
        #expect(renamed.status == 0 && renamed.stdout.contains("cofail_sums/7,beta,0,cofail_sums"))
        let cert = try runCLI(["certify", "--from", "lm-eval", runs, "--format", "json"])
        #expect(cert.status == 0, "\(cert.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(cert.stdout.utf8)) as! [String: Any]
        #expect((report["data"] as! [String: Any])["n_models"] as? Int == 3)
        // A truncated line and a log without its results file.
        let dir = scratchPath("lmeval")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = try String(contentsOfFile: sums[0], encoding: .utf8)
        let lines = text.split(separator: "\n")
        try (lines[0] + "\n" + lines[1].prefix(200) + "\n").write(
            toFile: dir + "/samples_cofail_sums_2026-01-01T00-00-00.jsonl", atomically: true, encoding: .utf8)
        let noModel = try runCLI(["import", "lm-eval", dir])
        #expect(noModel.status == 65 && noModel.stderr.contains("give --model"))
        let truncated = try runCLI(["import", "lm-eval", dir, "--model", "m"])
        #expect(
            truncated.status == 65 && truncated.stderr.contains("2026-01-01T00-00-00.jsonl:2:"), "\(truncated.stderr)")
        let empty = try runCLI(["import", "lm-eval", scratchPath("no-such-folder")])
        #expect(empty.status == 66)
        #expect(try runCLI(["scan", "--from", "lm-eval", runs]).status == 64)
    }
}

/// `cofail import helm` on run folders written by HELM (crfm-helm 0.5.16) itself (Fixtures/helm,
/// see its PROVENANCE.md). Expected cells and costs are read from the same files with Foundation's
/// JSONSerialization.
@Suite struct HELMImportTests {
    static let dir = URL(fileURLWithPath: testsDirectory).appendingPathComponent(
        "Fixtures/helm"
    ).path

    /// (instance id, train trial) → (exact_match mean, prompt tokens, completion tokens) of one run.
    static func expected(_ run: String) throws -> [(id: String, trial: Int, em: Double, input: Double, output: Double)]
    {
        let data = try Data(contentsOf: URL(fileURLWithPath: run + "/per_instance_stats.json"))
        let entries = try JSONSerialization.jsonObject(with: data) as! [[String: Any]]
        return entries.map { e in
            let stats = e["stats"] as! [[String: Any]]
            func mean(_ name: String) -> Double {
                let s = stats.first { ($0["name"] as! [String: Any])["name"] as? String == name }!
                return (s["sum"] as! NSNumber).doubleValue / (s["count"] as! NSNumber).doubleValue
            }
            return (
                e["instance_id"] as! String, e["train_trial_index"] as! Int, mean("exact_match"),
                mean("num_prompt_tokens"), mean("num_completion_tokens")
            )
        }
    }

    @Test func runFoldersBecomeALongMatrix() throws {
        var importer = HELMImporter()
        importer.options.prices = [
            "cofail/careful": TokenPrice(input: 3, output: 15), "cofail/average": TokenPrice(input: 0, output: 0),
            "cofail/coin": TokenPrice(input: 0, output: 0),
        ]
        var notes: [String] = []
        let raw = try importer.load([HELMImportTests.dir + "/runs"]) { notes.append($0) }
        #expect(raw.modelNames == ["cofail/average", "cofail/careful", "cofail/coin"])
        #expect(raw.queryCount == 20 && notes.count == 4 && notes[0].contains("exact_match (default"))
        #expect(Set(raw.queryTypes!) == ["simple_mcqa"])
        var correct: [String: Int] = [:]
        for model in ["average", "careful", "coin"] {
            for e in try HELMImportTests.expected(HELMImportTests.dir + "/runs/simple_mcqa:model=cofail_\(model)") {
                let query = "simple_mcqa/\(e.id)"
                #expect(ImportTests.cell(raw, query, "cofail/\(model)") == (e.em == 1))
                correct[model, default: 0] += e.em == 1 ? 1 : 0
                let q = raw.queryIDs.firstIndex(of: query)!
                let i = raw.modelNames.firstIndex(of: "cofail/\(model)")!
                if model == "careful" {
                    #expect(
                        raw.costs![i][q].isApproximatelyEqual(
                            to: (3 * e.input + 15 * e.output) / 1e6, absoluteTolerance: 1e-18))
                } else {
                    #expect(raw.costs![i][q] == 0)
                }
            }
        }
        // The fixture's client answers correctly with probability 0.9, 0.7 and 0.5.
        #expect(correct == ["careful": 19, "average": 18, "coin": 11])
        #expect(
            HELMImporter.scenario("mmlu:subject=anatomy,method=multiple_choice_joint,model=openai_gpt2")
                == "mmlu:subject=anatomy,method=multiple_choice_joint")
        #expect(HELMImporter.scenario("simple_mcqa:model=cofail_coin") == "simple_mcqa")
    }

    @Test func trainTrialsAreSamples() throws {
        let trials = HELMImportTests.dir + "/trials"
        let r = try runCLI(["import", "helm", trials])
        #expect(r.status == 0 && r.stdout.hasPrefix("query,model,correct,sample,type"), "\(r.stderr)")
        let entries = try HELMImportTests.expected(trials + "/simple_mcqa:model=cofail_average")
        let first = try HELMImporter(options: importOptions(.first)).load([trials])
        let majority = try HELMImporter(options: importOptions(.majority)).load([trials])
        let mean = try HELMImporter(options: importOptions(.mean, threshold: 0.5)).load([trials])
        var byID: [String: [Double]] = [:]
        for e in entries.sorted(by: { $0.trial < $1.trial }) {
            byID[e.id, default: []].append(e.em)
        }
        #expect(byID.count == 20 && byID.values.allSatisfy { $0.count == 2 })
        for (id, v) in byID {
            let q = "simple_mcqa/\(id)"
            #expect(ImportTests.cell(first, q, "cofail/average") == (v[0] == 1))
            #expect(ImportTests.cell(majority, q, "cofail/average") == (v[0] == 1 && v[1] == 1))
            #expect(ImportTests.cell(mean, q, "cofail/average") == (v[0] == 1 || v[1] == 1))
        }
    }

    @Test func metricsOptionsAndBadRuns() throws {
        let runs = HELMImportTests.dir + "/runs"
        let quasi = try runCLI(["import", "helm", runs, "--metric", "quasi_exact_match"])
        #expect(quasi.status == 0 && quasi.stderr.contains("quasi_exact_match, 20 entries"))
        let none = try runCLI(["import", "helm", runs, "--metric", "rouge_l"])
        #expect(none.status == 65 && none.stderr.contains("no statistic 'rouge_l'"))
        // num_prompt_tokens is a count, not a score.
        let notScore = try runCLI(["import", "helm", runs, "--metric", "num_prompt_tokens"])
        #expect(notScore.status == 65 && notScore.stderr.contains("neither 0 nor 1"))
        #expect(try runCLI(["import", "helm", runs, "--metric", "exact_match,x"]).status == 64)
        #expect(try runCLI(["import", "helm", runs, "--scorer", "x"]).status == 64)
        let cert = try runCLI(["certify", "--from", "helm", runs, "--format", "json"])
        #expect(cert.status == 0, "\(cert.stderr)")
        // A run folder whose statistics file is cut short, and one without its run spec.
        let dir = scratchPath("helm")
        try FileManager.default.createDirectory(atPath: dir + "/run", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = runs + "/simple_mcqa:model=cofail_coin"
        let stats = try String(contentsOfFile: source + "/per_instance_stats.json", encoding: .utf8)
        try String(stats.prefix(5000)).write(
            toFile: dir + "/run/per_instance_stats.json", atomically: true, encoding: .utf8)
        let noSpec = try runCLI(["import", "helm", dir])
        #expect(noSpec.status == 66 && noSpec.stderr.contains("run_spec.json"), "\(noSpec.stderr)")
        try FileManager.default.copyItem(atPath: source + "/run_spec.json", toPath: dir + "/run/run_spec.json")
        let cut = try runCLI(["import", "helm", dir])
        #expect(cut.status == 65 && cut.stderr.contains("not HELM per-instance statistics"), "\(cut.stderr)")
        try FileManager.default.createDirectory(atPath: dir + "/empty", withIntermediateDirectories: true)
        let empty = try runCLI(["import", "helm", dir + "/empty"])
        #expect(empty.status == 66 && empty.stderr.contains("no HELM per_instance_stats.json"))
    }
}
