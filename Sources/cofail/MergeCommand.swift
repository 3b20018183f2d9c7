import ArgumentParser
import CoFail
import Foundation

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine shard files of one bootstrap or scan run into exactly the result of the unsharded run.",
        discussion: "Example:  cofail merge boot-0.units boot-1.units boot-2.units --format json"
    )
    @Argument(help: "Shard files written by 'cofail bootstrap|scan --shard i/N'.")
    var files: [String]
    @Option(help: "Bootstrap interval level: 1 − alpha.")
    var alpha: Double = 0.05
    @Option(help: "Bootstrap: write replicate-level values as CSV.")
    var samples: String?
    @Option(help: "Write the run's SVG plot.")
    var plot: String?
    @OptionGroup var out: OutputOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give the shard files to merge") }
        if !(alpha > 0 && alpha < 1) { throw ValidationError("--alpha must lie in (0, 1) (got \(alpha))") }
    }

    func run() throws {
        try runReporting {
            let table = try UnitTable.merge(files.map { ($0, try UnitTable.read($0)) })
            let sig = table.signature
            let ei = try EngineInput(signature: sig)
            let seed = UInt64(sig[field: "seed"] ?? "1") ?? 1
            let echo: [(String, JSONValue)] = [("matrix", .string(ei.path)), ("merged_shards", .int(files.count)), ("seed", .string(String(seed)))]
            switch sig[field: "command"] {
            case "bootstrap":
                let (raw, x, cov, hash) = try ei.load()
                guard hash == sig[field: "matrix_hash"] else {
                    throw CoFailError.usage("\(ei.path) has changed since the shards were computed (hash \(hash), shards \(sig[field: "matrix_hash"] ?? "?"))")
                }
                let stats = (sig[field: "stats"] ?? "").split(separator: ",").compactMap { BootstrapStatistic(rawValue: String($0)) }
                let boot = try Bootstrap(x, stats: stats, seed: seed, correction: sig[field: "zero_cell_correction"] != "false",
                                         fullPoints: Int(sig[field: "full_draws"] ?? "") ?? 10_000)
                let summary = BootstrapSummary(stats: stats, estimates: try boot.estimate(), table: table, jackknife: try boot.jackknife(), alpha: alpha)
                try finishBootstrap(summary, raw: raw, x: x, cov: cov, samples: samples, plot: plot, out: out,
                                    inputs: echo + [("replicates", .int(table.units)), ("stats", .string(sig[field: "stats"] ?? "")), ("alpha", .number(alpha))])
            case "scan":
                try finishScan(table, full: sig[field: "full"] == "true", seed: seed, subsets: Int(sig[field: "subsets"] ?? "") ?? 0, plot: plot, out: out,
                               inputs: echo + [("sizes", .string(sig[field: "sizes"] ?? "")), ("subsets", .int(Int(sig[field: "subsets"] ?? "") ?? 0))])
            default:
                throw CoFailError.usage("\(files[0]) does not come from bootstrap or scan")
            }
        }
    }
}
