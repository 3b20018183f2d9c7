import Foundation
import Numerics
import Testing
@testable import CoFail

/// Hostile input and faults: every failure is a documented exit code with a location, results
/// never depend on threads or repetition, checkpoints never lose or invent work.
@Suite(.serialized) struct ReliabilityTests {
    /// A generated matrix file (the CLI's own simulator), returned by path.
    func simulated(_ args: [String]) throws -> String {
        let path = scratchPath("cofail-rel", ".csv")
        let r = try runCLI(["simulate", "matrix"] + args + ["-o", path, "--truth", path + ".truth.json"])
        try #require(r.status == 0, "\(r.stderr)")
        return path
    }

    /// β_full inside bootstrap replicates and scan subsets on a 40-model matrix: the same table
    /// for 1 and 2 threads over 20 repeated runs (the OpenBLAS pool was once toggled inside
    /// concurrent units, which made these results differ between runs).
    @Test func fullCopulaUnitsAreBitIdenticalAcrossThreadsAndRepeats() throws {
        var spec = SyntheticMatrix.Spec(law: .gaussian, queries: 200, models: 40)
        spec.rho = 0.4
        spec.error = 0.35
        spec.spread = 0.1
        spec.seed = 3
        let sim = try SyntheticMatrix(spec)
        let x = try sim.raw.applyCoverage(.complete).0
        let boot = try Bootstrap(x, stats: [.beta, .beta_full], seed: 5, fullPoints: 2000)
        let scan = try PoolScan(sim.raw, sizes: [10, 40], subsets: 2, seed: 5, full: true)
        var first: (String, String)?
        for run in 0..<20 {
            let threads = run % 2 + 1
            var b = UnitTable(signature: testSignature, columns: ["beta", "beta_full"], units: 4, shard: .whole)
            _ = try UnitRunner(threads: threads).run(&b) { try boot.replicate($0) }
            var s = UnitTable(
                signature: testSignature, columns: PoolScan.columns, units: scan.units.count, shard: .whole)
            _ = try UnitRunner(threads: threads).run(&s) { try scan.compute($0) }
            #expect(b.column("beta_full").allSatisfy { $0 > 0 })
            let now = (b.serialized(), s.serialized())
            if let first {
                #expect(now == first, "run \(run) (\(threads) threads) differs")
            } else {
                first = now
            }
        }
    }

    /// Through the CLI: bootstrap samples of β_full are equal for 1 and 2 threads.
    @Test func bootstrapSamplesWithBetaFullMatchAcrossThreads() throws {
        let m = try simulated([
            "--law", "gaussian", "--rho", "0.4", "--error", "0.3", "--queries", "60", "--models", "6",
            "--seed", "3",
        ])
        var samples: [String] = []
        for threads in ["1", "2", "2"] {
            let s = scratchPath("samples", ".csv")
            let r = try runCLI([
                "bootstrap", m, "--replicates", "20", "--stats", "beta,beta_full", "--threads", threads,
                "--samples", s, "--format", "json",
            ])
            try #require(r.status == 0, "\(r.stderr)")
            samples.append(try String(contentsOfFile: s, encoding: .utf8))
        }
        #expect(samples[0] == samples[1] && samples[1] == samples[2])
    }

    /// LAPACK's error printer once wrote into the JSON report (dgels with LDB < columns when the
    /// Anderson history exceeded the pool size). The report must parse, and stdout carry only it.
    @Test func smallPoolFullCopulaKeepsStdoutJSON() throws {
        let m = try simulated([
            "--law", "factor", "--loadings", "0.1:0.95", "--error", "0.3", "--heterogeneous", "0.25",
            "--queries", "40", "--models", "6", "--seed", "36",
        ])
        let r = try runCLI(["analyze", m, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("DGELS") && !r.stderr.contains("DGELS"))
        #expect((try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) != nil)
    }

    /// ssyevd's single-precision workspace query rounds 2n² + 6n + 1 down above 2²⁴ (n ≥ 2,895)
    /// and LAPACK rejected it; the workspace is now sized in integers.
    @Test func nearestCorrelationAt2900Models() throws {
        let d = 2900
        var g = [Double](repeating: 0.3, count: d * d)
        for i in 0..<d {
            g[i * d + i] = 1
        }
        let p = try NCMKernel.project(g, dimension: d, tolerance: 1e-10, maxIterations: 5, memory: 10)
        #expect(p.converged)
        #expect(p.minEigenvalueBefore.isApproximatelyEqual(to: 0.7, absoluteTolerance: 1e-9))
    }

    @Test func unitFilesWithHostileHeadersExit65() throws {
        let good =
            "#cofail-units 2\n"
            + (String(
                data: try UnitTable.encoder().encode(
                    UnitTable.Header(
                        columns: ["x"], shard: "0/1", signature: testSignature,
                        units: 2)), encoding: .utf8)!) + "\n"
        for (bad, field) in [
            ("\"units\":2", "\"units\":-1"), ("\"units\":2", "\"units\":100000000000"),
            ("\"shard\":\"0\\/1\"", "\"shard\":\"3\\/1\""),
        ] {
            let text = good.replacingOccurrences(of: bad, with: field)
            #expect(text != good, "fixture did not change for \(field)")
            let path = try tempFile(text, suffix: ".units")
            let r = try runCLI(["merge", path])
            #expect(r.status == 65, "\(field): \(r.stderr)")
            #expect(r.stderr.contains(path + ":2"), "\(r.stderr)")
        }
    }

    @Test func boundsOnManyRandomColumnsDoesNotAbort() throws {
        let m = try simulated([
            "--law", "shock", "--pi", "0", "--q", "0.5", "--queries", "100", "--models", "4000",
            "--seed", "2",
        ])
        let r = try runCLI(["bounds", m, "--format", "json"])
        #expect(r.status == 0, "\(r.status): \(r.stderr)")
        // 4,000 independent coins: co-error just below independence, so the single-factor β is
        // undefined with its reason, never a crash or a NaN
        let b = try #require(
            (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])?["bounds"]
                as? [String: Any])
        #expect(b["n_models"] as? Int == 4000 && b["beta_sf"] is NSNull)
        #expect((b["beta_sf_reason"] as? String)?.contains("below independence") == true)
    }

    @Test func fullStdoutExits74() throws {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("cofail")
        let p = Process()
        p.executableURL = exe
        p.arguments = ["certify", exampleMatrix]
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
        let err = Pipe()
        p.standardError = err
        try p.run()
        p.waitUntilExit()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 74, "\(text)")
        #expect(text.contains("standard output"))
    }

    @Test func unaffordableOrNonFiniteOptionsExit64() throws {
        let cases: [[String]] = [
            ["simulate", "matrix", "--law", "shock", "--queries", "10", "--models", "3", "--heterogeneous", "nan"],
            ["bootstrap", exampleMatrix, "--replicates", "2000000000"],
            ["scan", exampleMatrix, "--subsets", "1000000000000"],
            ["certify", exampleMatrix, "--alpha", "nan"],
            ["analyze", exampleMatrix, "--threads", "100000"],
            ["bounds", "--models", "100000", "--error", "0.3", "--co-error", "0.15"],
            ["scan", exampleMatrix, "--sizes", "44:50"],
        ]
        for args in cases {
            let start = Date()
            let r = try runCLI(args)
            #expect(r.status == 64, "\(args): \(r.status) \(r.stderr)")
            // the refusal names the option and its value
            let option = args.first { $0.hasPrefix("--") }!
            #expect(r.stderr.contains(option), "\(args): \(r.stderr)")
            #expect(Date().timeIntervalSince(start) < 10, "\(args) was refused only after work")
        }
    }

    @Test func shockCurveDoesNotNeedAClaytonFit() throws {
        // c = p² exactly (π = 0): no Clayton θ > 0 exists, but only the shock law is asked for
        let r = try runCLI(["simulate", "curve", "--law", "shock", "--pi", "0", "--q", "0.3", "--max-models", "5"])
        #expect(r.status == 0, "\(r.stderr)")
    }

    /// A checkpoint whose last line is torn inside its final number: the unit is dropped (and
    /// reported), recomputed, and the result equals the uninterrupted run.
    @Test func tornCheckpointTailIsRecomputed() throws {
        let dir = scratchPath("torn")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let ck = dir + "/ck.units"
        let base = [
            "bootstrap", exampleMatrix, "--replicates", "40", "--stats", "beta,mean_phi", "--format", "json",
            "--threads", "2",
        ]
        let whole = try runCLI(base)
        try #require(whole.status == 0, "\(whole.stderr)")
        _ = try runCLI(base + ["--checkpoint", ck])
        var text = try String(contentsOfFile: ck, encoding: .utf8)
        text.removeLast(5)
        try text.write(toFile: ck, atomically: false, encoding: .utf8)
        let resumed = try runCLI(base + ["--checkpoint", ck, "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("torn"), "\(resumed.stderr)")
        #expect(resumed.stdout == whole.stdout)
        // the file is whole again: every unit once, each line with a valid checksum
        let loaded = try UnitTable.read(ck)
        #expect(loaded.tornLine == nil && loaded.table.completed == 40)
    }

    @Test func checkpointWriteFailureNamesTheFileAndStaysResumable() throws {
        let dir = scratchPath("fsize")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let ck = dir + "/ck.units"
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("cofail").path
        // a 4 KiB file-size limit stands in for a full disk (the write fails with EFBIG)
        let script =
            "ulimit -f 4; trap '' XFSZ; exec '\(exe)' bootstrap '\(exampleMatrix)' --replicates 400 "
            + "--stats beta,mean_phi --checkpoint '\(ck)'"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = Pipe()
        try p.run()
        p.waitUntilExit()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 74, "\(text)")
        #expect(text.contains(ck))
        let loaded = try UnitTable.read(ck)
        #expect(loaded.table.completed > 0)
    }

    @Test func existingOrSpecialCheckpointPathsAreRefused() throws {
        let dir = scratchPath("ckpaths")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let ck = dir + "/ck.units"
        let base = ["bootstrap", exampleMatrix, "--replicates", "8", "--stats", "beta"]
        #expect(try runCLI(base + ["--checkpoint", ck]).status == 0)
        let again = try runCLI(base + ["--checkpoint", ck])
        #expect(again.status == 64 && again.stderr.contains("--resume"), "\(again.stderr)")
        #expect(try runCLI(base + ["--checkpoint", ck, "--force"]).status == 0)
        let link = dir + "/link.units"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: dir + "/target")
        let viaLink = try runCLI(base + ["--checkpoint", link, "--force"])
        #expect(viaLink.status == 64, "\(viaLink.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/target"))
        let fifo = dir + "/fifo"
        #expect(mkfifo(fifo, 0o644) == 0)
        #expect(try runCLI(base + ["--checkpoint", fifo, "--force"]).status == 64)
        // a refused resume names what differs
        let other = try runCLI(base + ["--checkpoint", ck, "--resume", "--seed", "9"])
        #expect(other.status == 64 && other.stderr.contains("seed"), "\(other.stderr)")
    }

    @Test func mergeOfScanShardsReloadsTheMatrix() throws {
        let dir = scratchPath("scanmerge")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let m = dir + "/m.csv"
        try FileManager.default.copyItem(atPath: exampleMatrix, toPath: m)
        var shards: [String] = []
        for i in 0..<2 {
            let out = dir + "/s\(i).units"
            let r = try runCLI(["scan", m, "--sizes", "2:4", "--subsets", "3", "--shard", "\(i)/2", "-o", out])
            try #require(r.status == 0, "\(r.stderr)")
            shards.append(out)
        }
        #expect(try runCLI(["merge"] + shards).status == 0)
        try FileManager.default.removeItem(atPath: m)
        #expect(try runCLI(["merge"] + shards).status == 66)
        try "query,a\nq1,1\n".write(toFile: m, atomically: true, encoding: .utf8)
        let changed = try runCLI(["merge"] + shards)
        #expect(changed.status == 64 && changed.stderr.contains("changed"), "\(changed.stderr)")
    }

    @Test func loaderRejectsHexUnderflowAndDuplicateKeysWithColumns() throws {
        let cases: [(String, String, String)] = [
            ("q,a,b\n1,0x1,0\n", ".csv", ":2:2"),
            ("q,a,b\n1,1e-400,0\n", ".csv", ":2:2"),
            ("q,a,b\n1,0,1,1\n", ".csv", ":2:4"),
            ("q,a,b\n1,0\n", ".csv", ":2:3"),
            ("{\"query\":\"a\",\"model\":\"m\",\"correct\":1,\"model\":\"n\"}\n", ".jsonl", ":1:38"),
            ("{\"query\":\"a\",\"model\":\"m\",\"correct\":1e-400}\n", ".jsonl", ":1:36"),
            ("{\"query\":\"a\",\"model\":\"m\" \"correct\":1}\n", ".jsonl", ":1:26"),
        ]
        for (text, suffix, location) in cases {
            let path = try tempFile(text, suffix: suffix)
            let r = try runCLI(["certify", path])
            #expect(r.status == 65, "\(text): \(r.stderr)")
            #expect(r.stderr.contains(path + location), "\(text): \(r.stderr)")
        }
        let sparse = try tempFile("query,a,b\nq1,1,\nq2,,0\n")
        let r = try runCLI(["certify", sparse])
        #expect(r.status == 65 && r.stderr.contains("'a'"), "\(r.stderr)")
    }
}
