import ArgumentParser
import CoFail
import Foundation

/// Parallel, resumable, shardable execution (bootstrap and scan).
struct EngineOptions: ParsableArguments {
    @Option(help: "Threads (results are identical for any value).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Seed of the counter-based random streams.")
    var seed: UInt64 = 1
    @Option(help: "Save completed work to this file as it completes (see --resume).")
    var checkpoint: String?
    @Flag(help: "Continue the run saved in --checkpoint.")
    var resume = false
    @Option(help: "Compute only shard i of N (0-based 'i/N'); default from SLURM_ARRAY_TASK_ID/COUNT. Writes a shard file for 'cofail merge'.")
    var shard: String?
    @Flag(help: "Show progress on stderr (default when stderr is a terminal).")
    var progress = false

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads))") }
        if resume && checkpoint == nil { throw ValidationError("--resume needs --checkpoint FILE") }
    }

    func resolvedShard() throws -> Shard { try shard.map(Shard.parse) ?? Shard.fromEnvironment() ?? .whole }
    var showProgress: Bool { progress || isatty(2) != 0 }

    /// A new table, or the checkpoint's when resuming (which must belong to the same run).
    func table(signature: JSONValue, columns: [String], units: Int, shard: Shard) throws -> UnitTable {
        if resume, let checkpoint {
            let t = try UnitTable.read(checkpoint)
            guard t.signature == signature, t.columns == columns, t.units == units, t.shard == shard else {
                throw CoFailError.usage("\(checkpoint) was written by a different run (matrix, options, seed or shard differ); remove --resume to start over")
            }
            return t
        }
        return UnitTable(signature: signature, columns: columns, units: units, shard: shard)
    }

    /// Runs the table's pending units; on SIGINT saves them and throws with the resume command.
    func run(_ table: inout UnitTable, label: String, command: String, compute: @escaping @Sendable (Int) throws -> [Double]) throws {
        installInterruptHandler()
        let runner = UnitRunner(threads: threads, label: label, progress: showProgress, checkpoint: checkpoint)
        if try runner.run(&table, compute: compute) { return }
        var path = checkpoint
        if path == nil {
            let auto = "cofail-\(label)-\(table.signature[field: "matrix_hash"] ?? "run")-seed\(seed).units"
            try emit(table.serialized(), to: auto)
            path = auto
        }
        throw CoFailError.interrupted(resumeHint: "\(table.completed) of \(table.owned) units were saved in \(path!); resume with: \(command) --checkpoint \(path!) --resume")
    }
}
