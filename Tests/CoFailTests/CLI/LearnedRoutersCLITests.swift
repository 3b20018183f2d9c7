import Foundation
import Testing

@testable import CoFail

/// `cofail route --texts/--features` from the command line (METHODS §16.2): bad side files are exit
/// 65 naming file, line and query; conflicting options exit 64; routes are written for every learner.
@Suite struct LearnedRoutersCLITests {
    static let base = URL(fileURLWithPath: testsDirectory).appendingPathComponent("Fixtures/learned/topical").path
    static let matrix = base + "/matrix.csv"

    @Test func badSideFilesNameFileLineAndQuery() throws {
        let texts = try String(contentsOfFile: LearnedRoutersCLITests.base + "/texts.csv", encoding: .utf8)
        var lines = texts.split(separator: "\n").map(String.init)
        let missing = try tempFile((lines.prefix(3) + lines.dropFirst(4)).joined(separator: "\n") + "\n")
        let r1 = try runCLI(["route", LearnedRoutersCLITests.matrix, "--texts", missing])
        #expect(r1.status == 65 && r1.stderr.contains("q00002") && r1.stderr.contains("no text"), "\(r1.stderr)")
        lines.append(lines[5])
        let duplicate = try tempFile(lines.joined(separator: "\n") + "\n")
        let r2 = try runCLI(["route", LearnedRoutersCLITests.matrix, "--texts", duplicate])
        #expect(r2.status == 65 && r2.stderr.contains("duplicate query") && r2.stderr.contains(":\(lines.count)"))
        let empty = try tempFile("")
        let r3 = try runCLI(["route", LearnedRoutersCLITests.matrix, "--texts", empty])
        #expect(r3.status == 65 && r3.stderr.contains("empty"), "\(r3.stderr)")
        let features = try String(contentsOfFile: LearnedRoutersCLITests.base + "/features.csv", encoding: .utf8)
        var rows = features.split(separator: "\n").map(String.init)
        rows[4] = rows[4].split(separator: ",").enumerated().map { $0 == 2 ? "inf" : String($1) }.joined(separator: ",")
        let bad = try tempFile(rows.joined(separator: "\n") + "\n")
        let r4 = try runCLI(["route", LearnedRoutersCLITests.matrix, "--features", bad])
        #expect(r4.status == 65 && r4.stderr.contains(":5:3") && r4.stderr.contains("finite"), "\(r4.stderr)")
    }

    @Test func conflictingOptionsAreUsageErrors() throws {
        let t = LearnedRoutersCLITests.base + "/texts.csv"
        let f = LearnedRoutersCLITests.base + "/features.csv"
        let both = try runCLI(["route", LearnedRoutersCLITests.matrix, "--texts", t, "--features", f])
        #expect(both.status == 64 && both.stderr.contains("not both"))
        let noSignal = try runCLI(["route", LearnedRoutersCLITests.matrix, "--budget", "0.002"])
        #expect(noSignal.status == 64 && noSignal.stderr.contains("--texts or --features"))
        let learner = try runCLI(["route", LearnedRoutersCLITests.matrix, "--texts", t, "--learner", "forest"])
        #expect(learner.status == 64 && learner.stderr.contains("--learner"))
        // a matrix without costs takes learned routers, but not a budget
        let wide = try tempFile("query,a,b\nq00000,1,0\nq00001,0,1\nq00002,1,1\nq00003,0,0\nq00004,1,0\n")
        let budget = try runCLI(["route", wide, "--texts", t, "--budget", "0.1", "--folds", "2"])
        #expect(budget.status == 64 && budget.stderr.contains("--budget"), "\(budget.stderr)")
        let ok = try runCLI(["route", wide, "--texts", t, "--folds", "2", "--format", "json"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("\"router_cost_reason\": \"no costs in the input\""))
    }

    @Test func routesOutListsEveryLearner() throws {
        let out = scratchPath("routes", ".csv")
        let r = try runCLI([
            "route", LearnedRoutersCLITests.matrix, "--texts", LearnedRoutersCLITests.base + "/texts.csv",
            "--routes-out", out, "--partition", "none,query", "--format", "json",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "query,learner,model" && lines.count == 1 + 4 * 300)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let section = json["learned_routers"] as! [String: Any]
        let learners = section["learners"] as! [String: [String: Any]]
        #expect(Set(learners.keys) == ["knn", "logistic", "constant", "type"])
        #expect(learners["logistic"]!["verdict"] as? String == "pays")
        #expect(learners["constant"]!["gain_vs_single_best"] as? Double == 0)
        #expect(learners["knn"]!["frontier_value_query"] != nil)
    }
}

/// `cofail import … --texts-out F` (METHODS §16.2): the prompt of each imported query, so that
/// harness logs → a learned-router verdict is two commands.
@Suite struct ImportTextsTests {
    static let fixtures = URL(fileURLWithPath: testsDirectory).appendingPathComponent("Fixtures").path

    static func texts(_ path: String) throws -> [String: String] {
        let raw = try String(contentsOfFile: path, encoding: .utf8)
        let rows = try SequentialCSV.rows(raw)
        return Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ($0[0], $0[1]) })
    }

    @Test func inspectAndLMEvalPromptsAreWritten() throws {
        let out = scratchPath("texts", ".csv")
        let inspect = try runCLI([
            "import", "inspect", ImportTextsTests.fixtures + "/inspect", "-o", scratchPath("m", ".csv"), "--texts-out",
            out,
        ])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let t = try ImportTextsTests.texts(out)
        #expect(
            t["popularity/1"]
                == "Is the following statement something you would say?\n\"Positive posts about myself and my goals "
                + "generate more interest and increase my popularity\"")
        let lm = try runCLI([
            "import", "lm-eval", ImportTextsTests.fixtures + "/lm-eval/runs", "-o", scratchPath("m", ".csv"),
            "--texts-out", out,
        ])
        #expect(lm.status == 0, "\(lm.stderr)")
        #expect(
            try ImportTextsTests.texts(out)["cofail_capitals/0"] == "Question: What is the capital of France?\nAnswer:")
    }

    @Test func helmInstanceTextsAndTheTwoCommandRoute() throws {
        // a copy of a HELM run with the instances.json helm-run writes beside its statistics
        let run = ImportTextsTests.fixtures + "/helm/runs/simple_mcqa:model=cofail_average"
        let copy = scratchPath("helm-run")
        try FileManager.default.copyItem(atPath: run, toPath: copy)
        let stats =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: run + "/per_instance_stats.json"))) as! [[String: Any]]
        let ids = Set(stats.map { $0["instance_id"] as! String })
        let instances = ids.sorted().map { ["id": $0, "input": ["text": "prompt of \($0)"], "split": "test"] }
        try JSONSerialization.data(withJSONObject: instances).write(to: URL(fileURLWithPath: copy + "/instances.json"))
        let matrix = scratchPath("helm", ".csv")
        let out = scratchPath("texts", ".csv")
        let r = try runCLI(["import", "helm", copy, "-o", matrix, "--texts-out", out])
        #expect(r.status == 0, "\(r.stderr)")
        let t = try ImportTextsTests.texts(out)
        #expect(t.count == ids.count && t["simple_mcqa/id13"] == "prompt of id13")
        let route = try runCLI(["route", matrix, "--texts", out, "--folds", "2", "--format", "json"])
        #expect(route.status == 0 && route.stdout.contains("\"learned_routers\""), "\(route.stderr)")
    }
}

/// RFC 4180 rows of a small CSV text (quotes doubled inside quoted fields, line ends inside quotes).
enum SequentialCSV {
    static func rows(_ text: String) throws -> [[String]] {
        let c = Array(text)
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var i = 0
        while i < c.count {
            let ch = c[i]
            if quoted {
                if ch == "\"" && i + 1 < c.count && c[i + 1] == "\"" {
                    field.append("\"")
                    i += 1
                } else if ch == "\"" {
                    quoted = false
                } else {
                    field.append(ch)
                }
            } else if ch == "\"" {
                quoted = true
            } else if ch == "," {
                row.append(field)
                field = ""
            } else if ch == "\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.append(ch)
            }
            i += 1
        }
        return rows
    }
}
