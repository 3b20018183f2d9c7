import Foundation
import Testing
@testable import CoFail

/// The CLI contract: exit codes, stdin, and JSON schema keys with their types.
@Suite struct CLITests {
    func json(_ r: CLIResult) throws -> [String: Any] {
        try #require(r.status == 0, "stderr: \(r.stderr)")
        return try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    @Test func certifyJSONKeysAndTypes() throws {
        let top = try json(runCLI(["certify", exampleMatrix, "--format", "json", "--overhead", "0.02"]))
        #expect(top["schema_version"] as? String == reportSchemaVersion)
        #expect(top["command"] as? String == "certify")
        let inputs = try #require(top["inputs"] as? [String: Any])
        #expect(inputs["alpha"] as? Double == 0.05)
        let c = try #require(top["certificate"] as? [String: Any])
        for key in ["n_queries", "n_models", "k_all_wrong"] { #expect(c[key] is Int, "\(key)") }
        for key in [
            "beta", "beta_ci_lo", "beta_ci_hi", "beta_lower", "best_accuracy", "oracle_accuracy", "oracle_gain",
            "resolvable_mass", "certified_headroom",
        ] { #expect(c[key] is Double, "\(key)") }
        #expect(c["best_models"] as? [String] == ["o1-mini-2024-09-12"])
        #expect(c["regime"] as? String == "ceiling-bound")
        #expect(c["no_policy_pays"] is Bool)
        #expect((c["models"] as? [[String: Any]])?.count == 43)
        let d = try #require(top["data"] as? [String: Any])
        #expect((d["dropped_queries"] as? [String])?.count == 296)
    }

    @Test func analyzeJSONUndefinedValuesCarryReasons() throws {
        // model c is never wrong: β = 0, β_SF = 0, U = 0/0 and every pair with c is undefined
        let path = try tempFile("query,a,b,c\nq1,0,0,1\nq2,1,0,1\nq3,0,1,1\nq4,1,1,1\nq5,0,0,1\n")
        let r = try runCLI(["analyze", path, "--format", "json", "--no-full"])
        #expect(r.stdout.range(of: #":\s*-?(NaN|nan|inf|Infinity)"#, options: .regularExpression) == nil)
        let top = try json(r)
        let sf = try #require(top["single_factor"] as? [String: Any])
        #expect(sf["implied_rho"] is NSNull)
        #expect((sf["implied_rho_reason"] as? String)?.contains("β = 0") == true)
        #expect(sf["underpricing_tetrachoric"] is NSNull)
        #expect(sf["underpricing_tetrachoric_reason"] is String)
        let pw = try #require(top["pairwise"] as? [String: Any])
        #expect(pw["excluded_models"] as? [String] == ["c"])
        #expect(pw["undefined_pairs"] as? Int == 2)
    }

    @Test func emptyTailGivesZeroUnderpricing() throws {
        // no query is missed by all three models: β = 0 ⇒ U = 0 (defined), ρ* undefined
        let rows =
            Array(repeating: "0,0,1", count: 3) + Array(repeating: "0,1,0", count: 3)
            + Array(repeating: "1,0,0", count: 3) + Array(repeating: "1,1,1", count: 10)
        let path = try tempFile(
            "query,a,b,c\n" + rows.enumerated().map { "q\($0.offset),\($0.element)" }.joined(separator: "\n") + "\n")
        let top = try json(runCLI(["analyze", path, "--format", "json", "--no-full"]))
        let sf = try #require(top["single_factor"] as? [String: Any])
        #expect(sf["underpricing_tetrachoric"] as? Double == 0)
        #expect(sf["implied_rho"] is NSNull)
    }

    @Test func readsStandardInput() throws {
        let r = try runCLI(["certify", "-", "--format", "csv"], stdin: "query,a,b\nq1,0,0\nq2,1,0\nq3,0,1\n")
        #expect(r.status == 0)
        #expect(r.stdout.contains("certificate,k_all_wrong,1,"))
    }

    @Test func malformedInputExitsWithDataErrorAndLocation() throws {
        let path = try tempFile("query,a,b\nq1,1,maybe\n")
        let r = try runCLI(["certify", path])
        #expect(r.status == 65)
        #expect(r.stderr.contains("\(path):2:3 (column 'b')"))
        #expect(r.stderr.contains("'maybe'"))
    }

    @Test func missingFileAndBadFlags() throws {
        #expect(try runCLI(["certify", "/nonexistent/x.csv"]).status == 66)
        #expect(try runCLI(["certify", exampleMatrix, "--alpha", "2"]).status == 64)
        #expect(try runCLI(["certify", "--all-wrong", "3"]).status == 64)
    }

    @Test func countsOnlyMode() throws {
        let top = try json(
            runCLI(["certify", "--all-wrong", "16", "--queries", "425", "--best-correct", "370", "--format", "json"]))
        let c = try #require(top["certificate"] as? [String: Any])
        #expect(c["n_models"] is NSNull)
        #expect(c["k_all_wrong"] as? Int == 16)
    }

    @Test func analyzeWritesPairsCSV() throws {
        let pairs = scratchPath("pairs", ".csv")
        let r = try runCLI(["analyze", exampleMatrix, "--registry", exampleRegistry, "--no-full", "--pairs", pairs])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try String(contentsOfFile: pairs, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1 + 43 * 42 / 2)
        #expect(lines[0] == "model_i,model_j,n11,n10,n01,n00,phi,tetrachoric,corrected,status")
    }
}

@Suite struct ProfileAndTimingTests {
    @Test func profileReportsEveryRate() throws {
        let r = try runCLI(["profile", "--models", "8", "--queries", "200", "--threads", "2", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let top = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let p = try #require(top["profile"] as? [String: Any])
        for key in ["pairs_per_second", "draws_per_second", "replicates_per_second", "subsets_per_second"] {
            #expect((p[key] as? Double).map { $0 > 0 } == true, "\(key)")
            #expect((p[key + "_1_thread"] as? Double).map { $0 > 0 } == true, "\(key)_1_thread")
        }
    }

    @Test func analyzeTimings() throws {
        let r = try runCLI(["analyze", exampleMatrix, "--timings", "--draws", "20000", "--format", "json"])
        let top = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let t = try #require(top["timings"] as? [String: Any])
        for stage in [
            "certificate", "pairwise_tetrachoric", "single_factor_and_clayton", "nearest_correlation_matrix",
            "beta_full_crude_mc", "beta_full_tilted",
        ] {
            #expect((t[stage] as? Double).map { $0 >= 0 } == true, "\(stage)")
        }
    }
}
