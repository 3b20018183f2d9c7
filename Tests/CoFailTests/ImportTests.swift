import Foundation
import Testing
@testable import CoFail

/// `cofail import inspect` on real Inspect AI logs (Fixtures/inspect, see its PROVENANCE.md):
/// the expected cells are the scores those logs record.
@Suite struct ImportTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
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
        importer.prices = ["openai/gpt-4o-mini": (0.15, 0.6)]
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
        #expect(abs(raw.costs![gpt][q1] - (64 * 0.15 + 2 * 0.6) / 1e6) < 1e-18)
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
        #expect(dup.status == 65 && dup.stderr.contains("already has this sample"))
        let scorer = try runCLI(["import", "inspect", ImportTests.dir, "--scorer", "nope"])
        #expect(scorer.status == 65 && scorer.stderr.contains("no score 'nope'"))
        #expect(try runCLI(["bootstrap", "--from", "inspect", ImportTests.dir]).status == 64)
    }

    @Test func scoreVocabulary() throws {
        let i = InspectImporter(threshold: 0.5)
        typealias V = InspectImporter.Log.Value
        for (v, want) in [
            (V.string("C"), "1"), (.string("I"), "0"), (.string("N"), "0"), (.string("P"), "1"),
            (.bool(false), "0"), (.number(0.25), "0"), (.string("yes"), "1"),
        ] {
            #expect(try i.correctness(v, file: "f", query: "q", scorer: "s") == want)
        }
        #expect(throws: CoFailError.self) {
            try InspectImporter().correctness(.string("P"), file: "f", query: "q", scorer: "s")
        }
        #expect(throws: CoFailError.self) { try i.correctness(.string("maybe"), file: "f", query: "q", scorer: "s") }
        #expect(throws: CoFailError.self) { try i.correctness(.number(3), file: "f", query: "q", scorer: "s") }
    }
}
