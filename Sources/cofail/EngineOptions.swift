import ArgumentParser
import CoFail
import Foundation

/// Parallel, resumable, shardable execution (bootstrap, scan, vote, cascade): threads and seed,
/// and the unit-file options.
struct EngineOptions: ParsableArguments {
    @OptionGroup var common: RunOptions
    @OptionGroup var units: UnitOptions

    var checkpoint: String? { units.checkpoint }
    var shard: String? { units.shard }

    func requireFile(_ matrix: String, command: String) throws {
        try units.requireFile(matrix, command: command)
    }

    /// `UnitOptions.execute` with this run's threads and seed.
    func execute(
        engine: String, signature: RunSignature, columns: [String], units count: Int, output: String?,
        compute: @escaping @Sendable (Int) throws -> [Double]
    ) throws -> UnitTable? {
        try units.execute(
            engine: engine, signature: signature, columns: columns, units: count, output: output,
            threads: common.threads, seed: common.seed, compute: compute)
    }
}

/// Checkpoints, resumption, shards and progress of an engine run.
struct UnitOptions: ParsableArguments {
    @Option(help: "Save completed work to this file as it completes (see --resume and --force).")
    var checkpoint: String?
    @Flag(help: "Continue the run saved in --checkpoint.")
    var resume = false
    @Flag(help: "Overwrite an existing --checkpoint file instead of refusing.")
    var force = false
    @Option(
        help: """
            Compute only shard i of N (0-based 'i/N'); default from SLURM_ARRAY_TASK_ID/COUNT. \
            Writes a shard file for 'cofail merge'.
            """)
    var shard: String?
    @Flag(help: "Show progress on stderr (default when stderr is a terminal).")
    var progress = false

    func validate() throws {
        if resume && checkpoint == nil {
            throw ValidationError("--resume needs --checkpoint FILE")
        }
        if resume && force {
            throw ValidationError("--resume continues the checkpoint and --force overwrites it: give one")
        }
        if let shard {
            _ = try Shard.parse(shard)
        }
    }

    /// Engines record the matrix path and hash in checkpoints and shards, so stdin cannot serve.
    func requireFile(_ matrix: String, command: String) throws {
        if matrix == "-" {
            throw ValidationError(
                "\(command) needs a file, not '-': checkpoints and shards record the matrix path "
                    + "and hash")
        }
    }

    /// The shard this process computes, and whether one was asked for (`--shard` or a Slurm
    /// array): an asked-for shard writes a shard file even when it is the only one (`0/1`), so
    /// that a one-task array job still ends in `cofail merge`.
    func resolvedShard() throws -> (shard: Shard, asked: Bool) {
        if let shard {
            return (try Shard.parse(shard), true)
        }
        if let fromSlurm = try UnitOptions.slurmShard() {
            return (fromSlurm, true)
        }
        return (.whole, false)
    }

    /// The shard of a Slurm job array task (SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT), when set.
    /// Task ids are taken relative to SLURM_ARRAY_TASK_MIN so `--array=1-4` works too.
    static func slurmShard(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Shard? {
        guard let id = env["SLURM_ARRAY_TASK_ID"].flatMap(Int.init),
            let count = env["SLURM_ARRAY_TASK_COUNT"].flatMap(Int.init)
        else {
            return nil
        }
        let base = env["SLURM_ARRAY_TASK_MIN"].flatMap(Int.init) ?? 0
        guard count >= 1, id - base >= 0, id - base < count else {
            throw UsageError(
                "SLURM_ARRAY_TASK_ID=\(id) does not fit SLURM_ARRAY_TASK_COUNT=\(count) "
                    + "(min \(base)); use --array=0-\(count - 1)")
        }
        return Shard(index: id - base, count: count)
    }

    var showProgress: Bool {
        progress || isatty(2) != 0
    }

    /// A new table and where to save it, or the checkpoint's table when resuming (which must
    /// belong to the same run; what differs is named).
    func start(
        signature: RunSignature, columns: [String], units: Int,
        shard: Shard
    ) throws -> (UnitTable, CheckpointPlan?) {
        let fresh = UnitTable(signature: signature, columns: columns, units: units, shard: shard)
        guard let checkpoint else {
            return (fresh, nil)
        }
        let empty = UnitTable.isEmptyFile(checkpoint)
        if empty {
            note("\(checkpoint) is empty (its header was never written): starting afresh")
            return (fresh, .create(path: checkpoint, overwrite: true))
        }
        guard resume else {
            if UnitTable.fileExists(checkpoint) && !force {
                throw UsageError(
                    "\(checkpoint) already exists: add --resume to continue it, or --force to "
                        + "overwrite it")
            }
            return (fresh, .create(path: checkpoint, overwrite: force))
        }
        let loaded = try UnitTable.read(checkpoint)
        let t = loaded.table
        var diff = t.signature.differences(from: signature)
        if t.columns != columns || t.units != units {
            diff.append(
                "units or statistics: \(t.units) × [\(t.columns.joined(separator: ","))] vs "
                    + "\(units) × [\(columns.joined(separator: ","))]")
        }
        if t.shard != shard {
            diff.append("shard: \(t.shard.text) vs \(shard.text)")
        }
        guard diff.isEmpty else {
            throw UsageError(
                "\(checkpoint) was written by a different run (\(diff.joined(separator: "; "))); "
                    + "use --force without --resume to start over")
        }
        if let torn = loaded.tornLine {
            note("\(checkpoint):\(torn): dropped a torn last line (interrupted write); its unit is recomputed")
        }
        return (t, .resume(path: checkpoint, intactBytes: loaded.intactBytes))
    }

    /// Computes this process's units of an engine run (`engine` is the subcommand name). With a
    /// shard of several, writes the shard file to `output` and returns nil; otherwise returns the
    /// complete table for the summary. On SIGINT saves the work and throws with the resume command.
    func execute(
        engine: String, signature: RunSignature, columns: [String], units: Int, output: String?, threads: Int,
        seed: UInt64, compute: @escaping @Sendable (Int) throws -> [Double]
    ) throws -> UnitTable? {
        let (shard, sharded) = try resolvedShard()
        var (table, plan) = try start(signature: signature, columns: columns, units: units, shard: shard)
        let token = Interrupts.install()
        let runner = UnitRunner(
            threads: threads, checkpoint: plan, cancellation: token,
            progress: showProgress ? ProgressLine(label: engine).draw : nil)
        let finished = try runner.run(&table, compute: compute)
        if showProgress {
            try? FileHandle.standardError.write(contentsOf: Data("\n".utf8))
        }
        if !finished {
            let path = checkpoint ?? "cofail-\(engine)-\(signature.matrixHash)-seed\(seed).units"
            if checkpoint == nil {
                try table.save(to: path, overwrite: true)
            }
            let kept = CommandLine.arguments.dropFirst(2).filter { $0 != "--resume" && $0 != "--force" }
            var again = ["cofail", engine] + kept
            if checkpoint == nil {
                again += ["--checkpoint", path]
            }
            again.append("--resume")
            let command = again.map(shellQuote).joined(separator: " ")
            throw Interrupted(
                hint: "\(table.completed) of \(table.owned) units were saved in "
                    + "\(shellQuote(path)); resume with: \(command)")
        }
        guard sharded else {
            return table
        }
        try emit(table.serialized(), to: output)
        note("\(engine) shard \(shard.text): \(table.completed) units; combine with 'cofail merge'")
        return nil
    }
}

/// Progress of a run on standard error: one line redrawn after each batch.
struct ProgressLine: Sendable {
    let label: String
    let start = Date()

    @Sendable func draw(_ done: Int, _ total: Int) {
        let dt = Date().timeIntervalSince(start)
        let rate = dt > 0 ? Double(done) / dt : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let share = 100 * Double(done) / Double(max(total, 1))
        let line = String(format: "\r%@ %d/%d (%.1f%%) %.1f/s ETA %.0fs   ", label, done, total, share, rate, eta)
        try? FileHandle.standardError.write(contentsOf: Data(line.utf8))
    }
}

/// A word as a POSIX shell reads it back unchanged (for the printed resume command).
func shellQuote(_ s: String) -> String {
    let safe = s.unicodeScalars.allSatisfy { c in
        CharacterSet.alphanumerics.contains(c) || "_./:=,+-@%".unicodeScalars.contains(c)
    }
    if safe && !s.isEmpty {
        return s
    }
    return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
