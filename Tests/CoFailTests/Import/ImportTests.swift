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
}
