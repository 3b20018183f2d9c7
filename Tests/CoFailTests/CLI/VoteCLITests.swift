import Foundation
import Numerics
import Testing
@testable import CoFail

/// The command line of vote: exit codes, messages and reports as a user sees them (the library
/// behaviour these commands wrap is tested in VoteTests.swift).
@Suite(.serialized) struct VoteCLITests {
    @Test func badVoteInputExits64() throws {
        let cases: [[String]] = [
            ["vote", exampleMatrix, "--size", "4"], ["vote", exampleMatrix, "--size", "1"],
            ["vote", exampleMatrix, "--size", "45"], ["vote", exampleMatrix, "--accuracy-band", "0.99:1"],
            ["vote", exampleMatrix, "--models", "nosuchmodel,o1-mini-2024-09-12,x"],
            ["vote", exampleMatrix, "--correlation", "kendall"],
        ]
        for args in cases {
            let r = try runCLI(args + ["--replicates", "0"])
            #expect(r.status == 64, "\(args): \(r.status) \(r.stderr)")
        }
    }

    @Test func voteJSONAndSimulateVote() throws {
        let r = try runCLI(["vote", exampleMatrix, "--replicates", "20", "--format", "json", "--cost-ratio", "0.001"])
        try #require(r.status == 0, "\(r.stderr)")
        let top = try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let v = try #require(top["vote"] as? [String: Any])
        for key in ["mean_vote_gain", "mean_vote_gain_jackknife_se", "mean_vote_gain_ci_lo", "pool_vote_accuracy"] {
            #expect(v[key] is Double, "\(key)")
        }
        let regs = try #require(v["regressions"] as? [[String: Any]])
        #expect(regs.count == 2 && (regs[0]["coefficients"] as? [[String: Any]])?.count == 3)
        #expect(top["majority_floor"] is [String: Any] && top["break_even"] is [String: Any])
        let s = try runCLI([
            "simulate", "vote", "--error", "0.3", "--rho", "0.4", "--sizes", "1,3,5", "--format", "json",
        ])
        try #require(s.status == 0, "\(s.stderr)")
        let st = try #require(JSONSerialization.jsonObject(with: Data(s.stdout.utf8)) as? [String: Any])
        let curve = try #require((st["majority_floor"] as? [String: Any])?["curve"] as? [[String: Any]])
        #expect(curve.count == 3 && curve[0]["majority_error"] as? Double == 0.3)
    }

    /// Shards of a vote run merge into exactly the unsharded report; per-subset CSV and plot.
    @Test func voteShardsMergeToTheUnshardedReport() throws {
        let dir = scratchPath("vote")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let base = [
            "vote", exampleMatrix, "--replicates", "5", "--models",
            VoteTests.example.modelNames.prefix(12).joined(separator: ","),
        ]
        let whole = try runCLI(base + ["--format", "json", "--subsets-out", dir + "/s.csv", "--plot", dir + "/v.svg"])
        try #require(whole.status == 0, "\(whole.stderr)")
        var shards: [String] = []
        for i in 0..<2 {
            let out = dir + "/v\(i).units"
            let r = try runCLI(base + ["--shard", "\(i)/2", "-o", out])
            try #require(r.status == 0, "\(r.stderr)")
            shards.append(out)
        }
        let merged = try runCLI(["merge"] + shards + ["--format", "json"])
        try #require(merged.status == 0, "\(merged.stderr)")
        func vote(_ text: String) throws -> NSDictionary {
            let top = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            return try #require(top["vote"] as? NSDictionary)
        }
        #expect(try vote(merged.stdout) == vote(whole.stdout))
        let csv = try String(contentsOfFile: dir + "/s.csv", encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 1 + 220)
        #expect(try String(contentsOfFile: dir + "/v.svg", encoding: .utf8).contains("<circle"))
    }
}
