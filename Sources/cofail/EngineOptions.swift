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

    /// Engines record the matrix path and hash in checkpoints and shards, so stdin cannot serve.
    func requireFile(_ matrix: String, command: String) throws {
        if matrix == "-" { throw ValidationError("\(command) needs a file, not '-': checkpoints and shards record the matrix path and hash") }
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

    /// Computes this process's units of an engine run (`engine` is the subcommand name). With a
    /// shard of several, writes the shard file to `output` and returns nil; otherwise returns the
    /// complete table for the summary. On SIGINT saves the work and throws with the resume command.
    func execute(engine: String, signature: JSONValue, columns: [String], units: Int, output: String?,
                 compute: @escaping @Sendable (Int) throws -> [Double]) throws -> UnitTable? {
        let shard = try resolvedShard()
        var table = try table(signature: signature, columns: columns, units: units, shard: shard)
        installInterruptHandler()
        let runner = UnitRunner(threads: threads, label: engine, progress: showProgress, checkpoint: checkpoint)
        if try !runner.run(&table, compute: compute) {
            let path = checkpoint ?? "cofail-\(engine)-\(table.signature[field: "matrix_hash"] ?? "run")-seed\(seed).units"
            if checkpoint == nil { try emit(table.serialized(), to: path) }
            let args = CommandLine.arguments.dropFirst(2).filter { $0 != "--resume" }.joined(separator: " ")
            let again = "cofail \(engine) \(args)" + (checkpoint == nil ? " --checkpoint \(path)" : "") + " --resume"
            throw CoFailError.interrupted(resumeHint: "\(table.completed) of \(table.owned) units were saved in \(path); resume with: \(again)")
        }
        guard shard.count > 1 else { return table }
        try emit(table.serialized(), to: output)
        FileHandle.standardError.write(Data("cofail: \(engine) shard \(shard.text): \(table.completed) units; combine with 'cofail merge'\n".utf8))
        return nil
    }
}
