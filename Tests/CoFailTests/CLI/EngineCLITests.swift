import Foundation
import Numerics
import Testing
@testable import CoFail

/// The command line of bootstrap and scan: exit codes, messages and reports as a user sees them (the library
/// behaviour these commands wrap is tested in EngineTests.swift).
@Suite(.serialized) struct EngineCLITests {
    /// SIGINT on the CLI: exit 130, a resume command, and the resumed result equals a full run.
    @Test func cliInterruptAndResume() throws {
        // a path with a space and a quote: the printed resume command must quote it for the shell
        let ckpt = scratchPath("cli it's", ".units")
        let args = [
            "bootstrap", exampleMatrix, "--replicates", "3000", "--stats", "beta,mean_tetrachoric", "--threads", "1",
            "--seed", "4", "--format", "csv",
        ]
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("cofail")
        let p = Process()
        p.executableURL = exe
        p.arguments = args + ["--checkpoint", ckpt]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = Pipe()
        try p.run()
        // interrupt once the first units are on disk: far from the 3000, so the run cannot have
        // finished, and the signal lands while units are being computed
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let lines = (try? String(contentsOfFile: ckpt, encoding: .utf8))?.split(separator: "\n").count ?? 0
            if lines >= 4 {
                break
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
        p.interrupt()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 130, "\(stderr)")
        let saved = try UnitTable.read(ckpt).table.completed
        #expect(saved > 0 && saved < 3000)
        #expect(stderr.contains("--resume"))
        let quoted = "'" + ckpt.replacingOccurrences(of: "'", with: "'\\''") + "'"
        #expect(stderr.contains("--checkpoint \(quoted) --resume"), "\(stderr)")
        let resumed = try runCLI(args + ["--checkpoint", ckpt, "--resume"])
        let whole = try runCLI(args)
        #expect(resumed.status == 0 && whole.status == 0)
        let pick = { (s: String) in
            s.split(separator: "\n").filter { $0.hasPrefix("bootstrap,") }.joined(separator: "\n")
        }
        #expect(pick(resumed.stdout) == pick(whole.stdout))
        #expect(!pick(whole.stdout).isEmpty)
    }

    @Test func shardFromSlurmEnvironment() throws {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("cofail").path
        let out = scratchPath("slurm", ".units")
        let env = ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "1"]
        let r = try runProcess(exe, ["bootstrap", exampleMatrix, "--replicates", "6", "-o", out], environment: env)
        #expect(r.status == 0 && r.stderr.contains("shard 2/3"), "\(r.stderr)")
        let bad = try runProcess(
            exe, ["bootstrap", exampleMatrix, "--replicates", "6"],
            environment: ["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "4"])
        #expect(bad.status == 64 && bad.stderr.contains("--array=0-3"))
        #expect(throws: CoFailError.self) { try Shard.parse("3/3") }
    }
}
