import Foundation
import Numerics
import Testing
@testable import CoFail

/// The command line of import and --from: exit codes, messages and reports as a user sees them (the library
/// behaviour these commands wrap is tested in ImportTests.swift).
@Suite struct ImportCLITests {
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
