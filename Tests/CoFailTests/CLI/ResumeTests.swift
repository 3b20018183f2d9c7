import Foundation
import Testing

@testable import CoFail

/// Vote's query bootstrap and the cascade's noise replicates are engine units: a run killed with
/// SIGKILL resumes from its checkpoint to the uninterrupted result, bit for bit, and shards merge
/// to it exactly.
@Suite(.serialized) struct ResumeTests {
    static let cascadeMatrix = URL(fileURLWithPath: exampleMatrix).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("cascade/matrix.csv").path

    /// The JSON report without its `inputs` (which echo how the run was made).
    static func body(_ r: CLIResult) throws -> NSDictionary {
        try #require(r.status == 0, "\(r.stderr)")
        var object = try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        object["inputs"] = nil
        return object as NSDictionary
    }

    /// Starts `args` with a checkpoint, kills it with SIGKILL once the checkpoint holds more than
    /// `lines` lines, resumes, and compares the report with an uninterrupted run's.
    func killAndResume(_ args: [String], lines: Int) throws {
        let ckpt = scratchPath("killed", ".units")
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("cofail")
        let p = Process()
        p.executableURL = exe
        p.arguments = args + ["--checkpoint", ckpt]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(120)
        var seen = 0
        while Date() < deadline && p.isRunning {
            seen = (try? String(contentsOfFile: ckpt, encoding: .utf8))?.split(separator: "\n").count ?? 0
            if seen > lines {
                break
            }
            Thread.sleep(forTimeInterval: 0.002)
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal, "the run finished before it was killed (\(seen) lines)")
        let saved = try UnitTable.read(ckpt).table
        #expect(saved.completed > 0 && saved.completed < saved.units, "\(saved.completed) of \(saved.units)")
        let resumed = try runCLI(args + ["--checkpoint", ckpt, "--resume"])
        let whole = try runCLI(args)
        #expect(try ResumeTests.body(resumed) == ResumeTests.body(whole))
    }

    @Test func voteBootstrapResumesAfterKill() throws {
        // 12,341 subset units come first, then the 120 replicates: kill among the replicates
        try killAndResume(
            ["vote", exampleMatrix, "--replicates", "120", "--threads", "1", "--seed", "7", "--format", "json"],
            lines: 12_341 + 30)
    }

    @Test func cascadeNoiseResumesAfterKill() throws {
        try killAndResume(
            [
                "cascade", ResumeTests.cascadeMatrix, "--cheap", "small", "--strong", "large", "--noise-seeds", "300",
                "--threads", "1", "--format", "json",
            ], lines: 40)
    }

    @Test func voteAndCascadeShardsMerge() throws {
        let runs = [
            ["vote", exampleMatrix, "--replicates", "30", "--cost-ratio", "0.01", "--seed", "3"],
            ["cascade", ResumeTests.cascadeMatrix, "--cheap", "small", "--strong", "large", "--noise-seeds", "7"],
        ]
        for args in runs {
            var shards: [String] = []
            for k in 0..<3 {
                let path = scratchPath("shard\(k)", ".units")
                let r = try runCLI(args + ["--shard", "\(k)/3", "-o", path])
                try #require(r.status == 0, "\(r.stderr)")
                shards.append(path)
            }
            let merged = try runCLI(["merge"] + shards + ["--format", "json"])
            let whole = try runCLI(args + ["--format", "json"])
            #expect(try ResumeTests.body(merged) == ResumeTests.body(whole), "\(args[0])")
        }
    }
}
