import Foundation
import Numerics
import Testing

@testable import CoFail

/// Defects met on real harness logs and in a reliability campaign: one test per defect. Logs are
/// the real fixtures (Fixtures/*/PROVENANCE.md) or files derived from them in the test, as named.
@Suite struct RealLogDefectTests {
    static let fixtures = URL(fileURLWithPath: testsDirectory).appendingPathComponent(
        "Fixtures"
    ).path
    static let gpt = fixtures + "/inspect/popularity-gpt-4o-mini.json"

    /// A scratch folder.
    static func folder(_ name: String) throws -> String {
        let dir = scratchPath(name)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    static func write(_ object: Any, to path: String) throws {
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
    }

    static func report(_ r: CLIResult) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    // MARK: HELM

    /// HELM writes one instance's statistics in several records (a judge metric in one, token
    /// counts in another): the records of one (instance, trial) are merged before the metric is read.
    @Test func helmRecordsOfOneInstanceAreMerged() throws {
        let run = RealLogDefectTests.fixtures + "/helm/runs/simple_mcqa:model=cofail_careful"
        let dir = try RealLogDefectTests.folder("helm-split") + "/simple_mcqa:model=cofail_careful"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: run + "/run_spec.json", toPath: dir + "/run_spec.json")
        let entries =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: run + "/per_instance_stats.json"))) as! [[String: Any]]
        var split: [[String: Any]] = []
        for e in entries {
            let stats = e["stats"] as! [[String: Any]]
            let isScore = { (s: [String: Any]) in ((s["name"] as! [String: Any])["name"] as! String).contains("match") }
            var tokens = e
            tokens["stats"] = stats.filter { !isScore($0) }
            var score = e
            score["stats"] = stats.filter(isScore)
            split += [tokens, score]
        }
        try RealLogDefectTests.write(split, to: dir + "/per_instance_stats.json")
        var o = ImportOptions()
        o.prices = ["cofail/careful": TokenPrice(input: 3, output: 15)]
        let merged = try HELMImporter(options: o).load([dir])
        let original = try HELMImporter(options: o).load([run])
        #expect(merged.queryIDs == original.queryIDs && merged.correct == original.correct)
        #expect(merged.costs! == original.costs!)
        // The statistics of a run without an accuracy-like one are listed.
        let r = try runCLI(["import", "helm", run, "--metric", "nope"])
        #expect(r.status == 65)
        let onlyTokens = try RealLogDefectTests.folder("helm-tokens") + "/simple_mcqa:model=cofail_careful"
        try FileManager.default.createDirectory(atPath: onlyTokens, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: run + "/run_spec.json", toPath: onlyTokens + "/run_spec.json")
        try RealLogDefectTests.write(
            split.enumerated().filter { $0.offset % 2 == 0 }.map(\.element), to: onlyTokens + "/per_instance_stats.json"
        )
        let none = try runCLI(["import", "helm", onlyTokens])
        #expect(none.status == 65 && none.stderr.contains("num_prompt_tokens"), "\(none.stderr)")
    }

    // MARK: Inspect

    /// The gpt-4o-mini log with its three samples logged as epochs 1-3 (scores rotated per epoch).
    static func epochsLog() throws -> String {
        var log = try json(gpt)
        let samples = log["samples"] as! [[String: Any]]
        var out: [[String: Any]] = []
        let words = ["C", "I", "C", "I", "I", "C"]
        for epoch in 1...3 {
            for (k, s) in samples.enumerated() {
                var copy = s
                copy["epoch"] = epoch
                var scores = copy["scores"] as! [String: Any]
                var match = scores["match"] as! [String: Any]
                match["value"] = words[(k + epoch) % words.count]
                scores["match"] = match
                copy["scores"] = scores
                out.append(copy)
            }
        }
        log["samples"] = out
        let path = try folder("epochs") + "/epochs.json"
        try write(log, to: path)
        return path
    }

    /// Epochs are samples of one query: n is the number of sample ids, not ids × epochs.
    @Test func inspectEpochsAreSamplesOfOneQuery() throws {
        let path = try RealLogDefectTests.epochsLog()
        let raw = try InspectImporter().load([path])
        #expect(raw.queryCount == 3 && raw.samples?.maxSamples == 3)
        let words = ["C", "I", "C", "I", "I", "C"]
        for k in 0..<3 {
            // sample 0 is epoch 1
            #expect(ImportTests.cell(raw, "popularity/\(k + 1)", "openai/gpt-4o-mini") == (words[(k + 1) % 6] == "C"))
        }
        let imported = try runCLI(["import", "inspect", path])
        #expect(imported.status == 0 && imported.stdout.hasPrefix("query,model,correct,sample,type\n"))
        #expect(imported.stdout.split(separator: "\n").count == 1 + 9)
        let cert = try runCLI(["certify", "--from", "inspect", path, "--format", "json"])
        let data = try RealLogDefectTests.report(cert)["data"] as! [String: Any]
        #expect(data["n_queries"] as? Int == 3 && data["samples_read"] as? String == "sample 0")
        #expect(data["max_samples"] as? Int == 3)
        // The imported file read back, sample 0 and aggregated, equals the logs read directly.
        let file = try tempFile(imported.stdout)
        for extra in [[], ["--aggregate", "majority"]] {
            let a = try runCLI(["certify", file, "--format", "json"] + extra)
            let b = try runCLI(["certify", "--from", "inspect", path, "--format", "json"] + extra)
            let ca = try RealLogDefectTests.report(a)["certificate"] as! [String: Any]
            let cb = try RealLogDefectTests.report(b)["certificate"] as! [String: Any]
            #expect(ca["best_accuracy"] as? Double == cb["best_accuracy"] as? Double, "\(extra)")
        }
        // majority over the three epochs by hand
        let majority = try InspectImporter(options: importOptions(.majority)).load([path])
        for k in 0..<3 {
            let yes = (1...3).filter { words[(k + $0) % 6] == "C" }.count
            #expect(ImportTests.cell(majority, "popularity/\(k + 1)", "openai/gpt-4o-mini") == (yes >= 2))
        }
    }

    /// The same run as .json and .eval (or read twice) is a duplicate whose remedy, --aggregate,
    /// import inspect accepts.
    @Test func inspectDuplicatesTakeAggregate() throws {
        let copy = try RealLogDefectTests.folder("dup") + "/again.json"
        try FileManager.default.copyItem(atPath: RealLogDefectTests.gpt, toPath: copy)
        let dup = try runCLI(["import", "inspect", RealLogDefectTests.gpt, copy])
        #expect(dup.status == 65 && dup.stderr.contains("--aggregate"))
        let ok = try runCLI(["import", "inspect", RealLogDefectTests.gpt, copy, "--aggregate", "first"])
        #expect(ok.status == 0 && ok.stdout.split(separator: "\n").count == 4, "\(ok.stderr)")
        // A file named twice is read once, not reported as a duplicate of itself.
        let twice = try runCLI(["import", "inspect", RealLogDefectTests.gpt, RealLogDefectTests.gpt])
        #expect(twice.status == 0, "\(twice.stderr)")
    }

    /// A sample's cost is every call it made (model_usage), cache tokens priced when the table says.
    @Test func inspectCostCountsEveryCall() throws {
        var log = try RealLogDefectTests.json(RealLogDefectTests.gpt)
        var samples = log["samples"] as! [[String: Any]]
        samples[0]["model_usage"] = [
            "openai/gpt-4o-mini": [
                "input_tokens": 1000, "output_tokens": 200, "input_tokens_cache_read": 5000,
                "input_tokens_cache_write": 300,
            ],
            "openai/gpt-4o": ["input_tokens": 400, "output_tokens": 50],
        ]
        log["samples"] = samples
        let path = try RealLogDefectTests.folder("usage") + "/agent.json"
        try RealLogDefectTests.write(log, to: path)
        let plain = try tempFile("model,price_in,price_out\nopenai/gpt-4o-mini,0.15,0.6\nopenai/gpt-4o,2.5,10\n")
        let cached = try tempFile(
            "model,price_in,price_out,price_cache_read,price_cache_write\n"
                + "openai/gpt-4o-mini,0.15,0.6,0.075,0.3\nopenai/gpt-4o,2.5,10,1.25,5\n")
        for (prices, read, written) in [(plain, 0.15, 0.15), (cached, 0.075, 0.3)] {
            let r = try runCLI(["import", "inspect", path, "--prices", prices])
            #expect(r.status == 0, "\(r.stderr)")
            let row = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("popularity/1,") })
            let cost = try #require(Double(row.split(separator: ",")[3]))
            let mini = (1000 * 0.15 + 200 * 0.6 + 5000 * read + 300 * written) / 1e6
            let big = (400 * 2.5 + 50 * 10) / 1e6
            #expect(cost.isApproximatelyEqual(to: (mini + big), absoluteTolerance: 1e-15), "\(row)")
            #expect(r.stderr.contains(prices == plain ? "priced as input tokens" : "priced by price_cache_read"))
        }
        // A model whose calls were logged but which the table does not price: exit 65 naming it.
        let partial = try tempFile("model,price_in,price_out\nopenai/gpt-4o-mini,0.15,0.6\n")
        let r = try runCLI(["import", "inspect", path, "--prices", partial])
        #expect(r.status == 65 && r.stderr.contains("openai/gpt-4o") && r.stderr.contains("no price"))
    }

    /// Subfolders are searched; a cancelled log is read with a warning; the chosen scorer is said;
    /// a folder named like a log is not read as one.
    @Test func inspectFoldersStatusAndScorer() throws {
        let top = try RealLogDefectTests.folder("nested")
        try FileManager.default.createDirectory(atPath: top + "/a/b", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: RealLogDefectTests.gpt, toPath: top + "/a/b/log.json")
        try FileManager.default.createDirectory(atPath: top + "/trap.eval", withIntermediateDirectories: true)
        let r = try runCLI(["import", "inspect", top])
        #expect(r.status == 0 && r.stdout.split(separator: "\n").count == 4, "\(r.stderr)")
        #expect(r.stderr.contains("status 'cancelled'") && r.stderr.contains("scorer 'match'"))
        // NaN in a field that is not read does not block the log; it is refused for having no samples.
        let nan = try runCLI(["import", "inspect", RealLogDefectTests.fixtures + "/inspect-nan"])
        #expect(nan.status == 65 && nan.stderr.contains("no samples") && nan.stderr.contains("--skip-invalid"))
        // malformed JSON is located: file:line:column and the token
        let bad = try tempFile("{\n  \"version\": 2,\n  \"status\": tru\n}\n", suffix: ".json")
        let located = try runCLI(["import", "inspect", bad])
        #expect(located.status == 65 && located.stderr.contains(":3:13") && located.stderr.contains("'tru'"))
    }

    // MARK: lm-evaluation-harness

    /// A copy of the runs fixture, for edits.
    static func lmEvalCopy() throws -> String {
        let dir = try folder("lmeval") + "/runs"
        try FileManager.default.copyItem(atPath: fixtures + "/lm-eval/runs", toPath: dir)
        return dir
    }

    static func samplesFile(_ dir: String, _ model: String, _ task: String) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir + "/" + model)
        return dir + "/" + model + "/" + names.first { $0.hasPrefix("samples_\(task)_") }!
    }

    /// lm-eval about 0.4.2 wrote JSON Lines into samples_<task>_<date>.json: the content decides.
    @Test func lmEvalSamplesNamedJSON() throws {
        let original = try runCLI(["import", "lm-eval", RealLogDefectTests.fixtures + "/lm-eval/runs"])
        let dir = try RealLogDefectTests.lmEvalCopy()
        for model in ["acme__alpha-7b", "acme__beta-13b", "zeta__gamma-2b"] {
            for task in ["cofail_capitals", "cofail_sums"] {
                let f = try RealLogDefectTests.samplesFile(dir, model, task)
                try FileManager.default.moveItem(atPath: f, toPath: String(f.dropLast()))
            }
        }
        let renamed = try runCLI(["import", "lm-eval", dir])
        #expect(renamed.status == 0 && renamed.stdout == original.stdout, "\(renamed.stderr)")
        // A folder without samples files says what it saw and why each was passed over.
        let empty = try RealLogDefectTests.folder("v03")
        try "{}".write(toFile: empty + "/arc_easy_write_out_info.json", atomically: true, encoding: .utf8)
        try "{}".write(toFile: empty + "/results.json", atomically: true, encoding: .utf8)
        let r = try runCLI(["import", "lm-eval", empty])
        #expect(
            r.status == 66 && r.stderr.contains("arc_easy_write_out_info.json") && r.stderr.contains("--log_samples"))
        #expect(r.stderr.contains("results.json: aggregate results"))
    }

    /// Python's NaN, Infinity and -Infinity: a NaN metric is a missing cell, ±Infinity compares
    /// with the threshold, a NaN in a metric not read changes nothing.
    @Test func lmEvalPythonTokens() throws {
        let dir = try RealLogDefectTests.lmEvalCopy()
        let f = try RealLogDefectTests.samplesFile(dir, "acme__alpha-7b", "cofail_capitals")
        var lines = try String(contentsOfFile: f, encoding: .utf8).split(separator: "\n").map(String.init)
        func replaceAcc(_ k: Int, _ token: String) {
            let r = lines[k].range(of: #""acc": [0-9.]+"#, options: .regularExpression)!
            lines[k].replaceSubrange(r, with: "\"acc\": \(token)")
        }
        func docID(_ k: Int) -> String {
            let r = lines[k].range(of: #""doc_id": [0-9]+"#, options: .regularExpression)!
            return String(lines[k][r].split(separator: " ")[1])
        }
        replaceAcc(0, "NaN")
        replaceAcc(1, "Infinity")
        replaceAcc(2, "-Infinity")
        let r3 = lines[3].range(of: #""acc_norm": [0-9.]+"#, options: .regularExpression)!
        lines[3].replaceSubrange(r3, with: "\"acc_norm\": NaN")
        try (lines.joined(separator: "\n") + "\n").write(toFile: f, atomically: true, encoding: .utf8)
        var o = ImportOptions()
        o.scoring = Scoring(threshold: 0.5)
        o.tasks = ["cofail_capitals"]
        let raw = try LMEvalImporter(options: o).load([dir])
        let model = "acme/alpha-7b"
        #expect(ImportTests.cell(raw, "cofail_capitals/\(docID(0))", model) == nil)
        #expect(ImportTests.cell(raw, "cofail_capitals/\(docID(1))", model) == true)
        #expect(ImportTests.cell(raw, "cofail_capitals/\(docID(2))", model) == false)
        #expect(ImportTests.cell(raw, "cofail_capitals/\(docID(3))", model) != nil)
        // a broken token is located
        lines[4] = lines[4].replacingOccurrences(of: "\"acc\": ", with: "\"acc\": Nan")
        try (lines.joined(separator: "\n") + "\n").write(toFile: f, atomically: true, encoding: .utf8)
        let bad = try runCLI(["import", "lm-eval", dir, "--task", "cofail_capitals"])
        #expect(bad.status == 65 && bad.stderr.contains(":5:") && bad.stderr.contains("invalid literal"))
    }

    /// --lower-is-better and thresholds outside [0, 1].
    @Test func thresholdsAnyRealAndLowerIsBetter() throws {
        let runs = RealLogDefectTests.fixtures + "/lm-eval/runs"
        let hundred = try runCLI(["import", "lm-eval", runs, "--threshold", "50", "--task", "cofail_capitals"])
        #expect(hundred.status == 0 && !hundred.stdout.contains(",1,"), "\(hundred.stderr)")
        let lower = try runCLI([
            "import", "lm-eval", runs, "--threshold", "0.5", "--lower-is-better", "--task", "cofail_capitals",
        ])
        let higher = try runCLI(["import", "lm-eval", runs, "--threshold", "0.5", "--task", "cofail_capitals"])
        #expect(lower.status == 0 && higher.status == 0)
        // 0/1 accuracies: lower is better flips every cell
        let flip = lower.stdout.replacingOccurrences(of: ",1,", with: ",x,").replacingOccurrences(
            of: ",0,", with: ",1,"
        )
        .replacingOccurrences(of: ",x,", with: ",0,")
        #expect(flip == higher.stdout)
        let noThreshold = try runCLI(["import", "lm-eval", runs, "--lower-is-better"])
        #expect(noThreshold.status == 64 && noThreshold.stderr.contains("--threshold"))
    }

    /// --skip-invalid imports what is valid and lists what it skipped; --task filters; --from
    /// takes several paths; an empty samples file is "no samples", not a crash.
    @Test func skipInvalidTaskFilterSeveralPathsAndEmptyFiles() throws {
        let dir = try RealLogDefectTests.lmEvalCopy()
        let f = try RealLogDefectTests.samplesFile(dir, "zeta__gamma-2b", "cofail_sums")
        try "{\"doc_id\": 0, \"filter\": \"strict-match\", oops}\n".write(toFile: f, atomically: true, encoding: .utf8)
        let strict = try runCLI(["import", "lm-eval", dir])
        #expect(strict.status == 65)
        let skip = try runCLI(["certify", "--from", "lm-eval", dir, "--skip-invalid", "--format", "json"])
        #expect(skip.status == 0 && skip.stderr.contains("skipped"), "\(skip.stderr)")
        let data = try RealLogDefectTests.report(skip)["data"] as! [String: Any]
        let skipped = try #require(data["skipped_inputs"] as? [[String: Any]])
        #expect(skipped.count == 1 && (skipped[0]["path"] as? String) == f)
        let one = try runCLI(["import", "lm-eval", dir, "--task", "cofail_capitals"])
        #expect(one.status == 0 && !one.stdout.contains("cofail_sums"))
        let two = try runCLI([
            "certify", "--from", "lm-eval", dir + "/acme__alpha-7b", dir + "/acme__beta-13b", "--task",
            "cofail_capitals", "--format", "json",
        ])
        #expect(((try RealLogDefectTests.report(two))["data"] as! [String: Any])["n_models"] as? Int == 2)
        // an empty samples file
        let empty = try RealLogDefectTests.folder("empty")
        try FileManager.default.copyItem(
            atPath: RealLogDefectTests.fixtures + "/lm-eval/runs/acme__alpha-7b", toPath: empty + "/m")
        for name in try FileManager.default.contentsOfDirectory(atPath: empty + "/m") where name.hasPrefix("samples_") {
            try "".write(toFile: empty + "/m/" + name, atomically: true, encoding: .utf8)
        }
        for args in [["import", "lm-eval", empty], ["certify", "--from", "lm-eval", empty]] {
            let r = try runCLI(args)
            #expect(r.status == 65 && r.stderr.contains("no samples"), "\(args): \(r.status) \(r.stderr)")
        }
        for command in ["analyze", "bounds", "route"] {
            let r = try runCLI([command, "--from", "lm-eval", empty])
            #expect(r.status == 65, "\(command): \(r.status)")
        }
    }

    // MARK: hostile files

    /// FIFOs, links to devices, zip bombs and archives with two entries of one name are refused,
    /// promptly and with exit 65/66/64, never hang or exhaust memory.
    @Test func hostileFilesAreRefused() throws {
        let dir = try RealLogDefectTests.folder("hostile")
        #expect(mkfifo(dir + "/samples_task_2024-01-01.jsonl", 0o600) == 0)
        try FileManager.default.createSymbolicLink(
            atPath: dir + "/samples_other_2024-01-01.jsonl", withDestinationPath: "/dev/zero")
        let r = try runCLI(["import", "lm-eval", dir])
        #expect(r.status == 66 && r.stderr.contains("not a regular file"), "\(r.stderr)")
        let direct = try runCLI(["import", "lm-eval", dir + "/samples_other_2024-01-01.jsonl"])
        #expect(direct.status == 66, "\(direct.stderr)")
        let matrix = try runCLI(["certify", "/dev/zero"])
        #expect(matrix.status == 66 && matrix.stderr.contains("device"))
        // checkpoint at a FIFO, with --resume
        #expect(mkfifo(dir + "/ck", 0o600) == 0)
        let ck = try runCLI(["bootstrap", exampleMatrix, "--replicates", "5", "--checkpoint", dir + "/ck", "--resume"])
        #expect(ck.status == 64 && ck.stderr.contains("not a regular file"))
        // zip archives made by Python's zipfile
        let script = """
            import sys, zipfile
            d = sys.argv[1]
            with zipfile.ZipFile(d + "/bomb.eval", "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr("header.json", b" " * (1 << 24))
            with zipfile.ZipFile(d + "/twice.eval", "w") as z:
                z.writestr("header.json", '{"eval": {"task": "a", "model": "m"}}')
                z.writestr("header.json", '{"eval": {"task": "b", "model": "m"}}')
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-W", "ignore", "-c", script, dir]
        try p.run()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0)
        let bomb = try runCLI(["import", "inspect", dir + "/bomb.eval"])
        #expect(bomb.status == 65 && bomb.stderr.contains("zip bomb"), "\(bomb.stderr)")
        let twice = try runCLI(["import", "inspect", dir + "/twice.eval"])
        #expect(twice.status == 65 && twice.stderr.contains("two entries"), "\(twice.stderr)")
    }

    // MARK: engines and commands

    /// vote --models applies coverage to the selected pool: the queries all 15 models answered.
    @Test func voteCoverageIsOnTheSelectedPool() throws {
        let raw = try MatrixLoader().load(exampleMatrix)
        // the 15 models that answered most queries
        let pool = (0..<raw.modelCount).sorted { raw.answeredCount($0) > raw.answeredCount($1) }.prefix(15).map {
            raw.modelNames[$0]
        }
        let columns = try raw.indices(of: pool)
        let answeredByAll = (0..<raw.queryCount).filter { q in
            columns.allSatisfy { raw.answered[$0][q >> 6] & (1 << UInt64(q & 63)) != 0 }
        }.count
        let (everyModel, _) = try raw.applyCoverage(.complete)
        #expect(answeredByAll > everyModel.n)
        let r = try runCLI([
            "vote", exampleMatrix, "--models", pool.joined(separator: ","), "--replicates", "0", "--format", "json",
        ])
        let data = try RealLogDefectTests.report(r)["data"] as! [String: Any]
        #expect(data["n_queries"] as? Int == answeredByAll, "\(r.stderr)")
        // shards of the same run merge to the same pool
        let dir = try RealLogDefectTests.folder("vote-shards")
        var files: [String] = []
        for k in 0..<2 {
            let s = try runCLI([
                "vote", exampleMatrix, "--models", pool.joined(separator: ","), "--replicates", "0", "--shard",
                "\(k)/2",
                "--cost-ratio", "0.001", "-o", dir + "/s\(k)",
            ])
            #expect(s.status == 0, "\(s.stderr)")
            files.append(dir + "/s\(k)")
        }
        let merged = try runCLI(["merge"] + files + ["--format", "json"])
        let whole = try runCLI([
            "vote", exampleMatrix, "--models", pool.joined(separator: ","), "--replicates", "0", "--cost-ratio",
            "0.001", "--format", "json",
        ])
        let m = try RealLogDefectTests.report(merged)
        let w = try RealLogDefectTests.report(whole)
        #expect((m["data"] as! [String: Any])["n_queries"] as? Int == answeredByAll)
        #expect(m["break_even"] is [String: Any] && w["break_even"] is [String: Any])
        #expect(
            (m["vote"] as! [String: Any])["mean_vote_gain"] as? Double
                == (w["vote"] as! [String: Any])["mean_vote_gain"] as? Double)
        #expect(
            (m["break_even"] as! [String: Any])["break_even_members"] as? Double
                == (w["break_even"] as! [String: Any])["break_even_members"] as? Double)
        // subsets_total is written as an integer
        #expect(whole.stdout.contains("\"subsets_total\": 455,"))
    }

    /// A one-task array (--shard 0/1) writes a shard file that merge reads.
    @Test func shardZeroOfOneWritesAShardFile() throws {
        let out = scratchPath("one-shard")
        let r = try runCLI(["bootstrap", exampleMatrix, "--replicates", "4", "--shard", "0/1", "-o", out])
        #expect(r.status == 0 && r.stderr.contains("combine with 'cofail merge'"), "\(r.stderr)")
        let merged = try runCLI(["merge", out, "--format", "json"])
        #expect(merged.status == 0, "\(merged.stderr)")
    }

    /// Finite costs whose sums overflow, or so small that cost differences overflow shadow prices,
    /// are exit 65 naming the cell; never a crash or a NaN.
    @Test func costsThatOverflowAreDataErrors() throws {
        let cases = [
            "query,model,correct,cost\nq1,a,1,1e307\nq1,b,0,1\nq2,a,0,1\nq2,b,1,2\n",
            "query,model,correct,cost\nq1,a,1,1e308\nq1,b,0,1e308\nq2,a,0,0\nq2,b,1,1e308\n",
            "query,model,correct,cost\nq1,a,1,1e-320\nq1,b,0,0\nq2,a,0,1e-320\nq2,b,1,0\n",
        ]
        for text in cases {
            let f = try tempFile(text)
            for format in ["json", "table"] {
                let r = try runCLI(["route", f, "--format", format])
                #expect(r.status == 65 && r.stderr.contains("cost"), "\(text): \(r.status) \(r.stderr)")
            }
        }
        let costs = try tempFile(
            "model,cost\n"
                + (try MatrixLoader().load(exampleMatrix)).modelNames.enumerated().map {
                    "\($0.element),\($0.offset == 0 ? "1e308" : "1")"
                }.joined(separator: "\n") + "\n")
        let r = try runCLI(["route", exampleMatrix, "--model-costs", costs, "--format", "json"])
        #expect(r.status == 65 && r.stderr.contains(costs))
    }

    /// Option values outside their domains are exit 64 before any work.
    @Test func optionDomains() throws {
        let alpha = try runCLI(["vote", exampleMatrix, "--alpha", "1e-300", "--replicates", "10"])
        #expect(alpha.status == 64 && alpha.stderr.contains("--alpha"))
        let maxSubsets = try runCLI(["vote", exampleMatrix, "--size", "21", "--max-subsets", "2000000000"])
        #expect(maxSubsets.status == 64 && maxSubsets.stderr.contains("--max-subsets"), "\(maxSubsets.stderr)")
    }

    /// A file-size limit is exit 74 naming the file; an empty checkpoint (the disk filled before its
    /// header) counts as absent; a closed standard output is named as such.
    @Test func outputLimits() throws {
        let out = scratchPath("big", ".json")
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("cofail").path
        let limited = try runProcess(
            "/bin/sh",
            [
                "-c", "ulimit -f 1; exec \"$0\" analyze \"$1\" --draws 0 --format json -o \"$2\"", exe, exampleMatrix,
                out,
            ])
        #expect(limited.status == 74 && limited.stderr.contains(out), "\(limited.status) \(limited.stderr)")
        let ck = scratchPath("empty", ".units")
        _ = FileManager.default.createFile(atPath: ck, contents: Data())
        for extra in [[], ["--resume"]] {
            let r = try runCLI(["bootstrap", exampleMatrix, "--replicates", "4", "--checkpoint", ck] + extra)
            #expect(r.status == 0 && r.stderr.contains("starting afresh"), "\(extra): \(r.stderr)")
            try Data().write(to: URL(fileURLWithPath: ck))
        }
        let closed = try runProcess("/bin/sh", ["-c", "exec \"$0\" certify \"$1\" >&-", exe, exampleMatrix])
        #expect(closed.status == 74 && closed.stderr.contains("standard output") && !closed.stderr.contains("NSCocoa"))
    }

    /// Ctrl-C while subsets are still being drawn ends with exit 130, not by the signal.
    @Test func interruptWhileDrawingSubsets() throws {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("cofail").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = ["vote", exampleMatrix, "--size", "21", "--subsets", "3000000", "--replicates", "0"]
        p.standardOutput = FileHandle.nullDevice
        let err = Pipe()
        p.standardError = err
        try p.run()
        Thread.sleep(forTimeInterval: 1.0)
        p.interrupt()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationReason == .exit && p.terminationStatus == 130, "\(text)")
    }

    /// The table format pads no trailing spaces; the top-level help wraps whole sentences.
    @Test func textOutput() throws {
        let r = try runCLI(
            ["route", "examples/routing/matrix.csv"].map {
                $0.hasPrefix("examples/")
                    ? URL(fileURLWithPath: exampleMatrix).deletingLastPathComponent()
                        .deletingLastPathComponent().appendingPathComponent(String($0.dropFirst(9))).path : $0
            })
        #expect(r.status == 0)
        #expect(!r.stdout.split(separator: "\n").contains { $0.hasSuffix(" ") })
        let help = try runCLI(["--help"])
        #expect(!help.stdout.contains("where β is\nthe rate"))
        let importHelp = try runCLI(["import", "lm-eval", "--help"])
        #expect(importHelp.stdout.contains("long or jsonl"))
    }
}
