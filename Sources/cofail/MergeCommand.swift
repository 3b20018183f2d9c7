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
    @OptionGroup var interval: IntervalOptions
    @Option(help: "Bootstrap: write replicate-level values as CSV.")
    var samples: String?
    @Option(help: "Write the run's SVG plot.")
    var plot: String?
    @OptionGroup var out: OutputOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give the shard files to merge") }
    }

    func run() throws {
        try runReporting {
            let table = try UnitTable.merge(files.map { ($0, try UnitTable.read($0).table) })
            let sig = table.signature
            let (raw, x, cov) = try EngineInput.reload(sig, models: sig.vote?.selected)
            let echo: [(String, JSONValue)] = [
                ("matrix", .string(sig.matrix)), ("merged_shards", .int(files.count)),
                ("seed", .string(String(sig.seed))),
            ]
            switch sig.command {
            case "bootstrap":
                let statNames = sig.stats ?? []
                let stats = try statNames.map { name in
                    guard let s = BootstrapStatistic(rawValue: name) else {
                        throw UsageError("\(files[0]) names an unknown statistic '\(name)'")
                    }
                    return s
                }
                let boot = try Bootstrap(
                    x, stats: stats, seed: sig.seed, correction: sig.zeroCellCorrection,
                    fullPoints: sig.fullPoints ?? 5000,
                    fullRelError: sig.fullRelError ?? Precision.replicate.fullRelError)
                let summary = BootstrapSummary(
                    stats: stats, estimates: try boot.estimate(), table: table,
                    jackknife: try boot.jackknife(), alpha: interval.alpha)
                let inputs: [(String, JSONValue)] = [
                    ("replicates", .int(table.units)), ("stats", .string(statNames.joined(separator: ","))),
                    ("alpha", .number(interval.alpha)),
                ]
                try finishBootstrap(
                    summary, raw: raw, x: x, cov: cov, samples: samples, plot: plot, out: out,
                    inputs: echo + inputs)
            case "scan":
                let sizes = (sig.sizes ?? []).map(String.init).joined(separator: ",")
                let subsets = sig.subsets ?? 0
                try finishScan(
                    table, full: sig.full ?? false, seed: sig.seed, subsets: subsets, plot: plot, out: out,
                    inputs: echo + [("sizes", .string(sizes)), ("subsets", .int(subsets))])
            case "vote":
                guard let v = sig.vote else {
                    throw UsageError("\(files[0]) is a vote run without its vote options")
                }
                let pool = try VotePool(x, models: v.models)
                let o = try v.options(seed: sig.seed, correction: sig.zeroCellCorrection, alpha: interval.alpha)
                let vote = try VoteEngine(pool, options: o)
                guard vote.units == table.units else {
                    throw UsageError("\(files[0]) has \(table.units) units; the vote run defines \(vote.units)")
                }
                try finishVote(
                    vote, table: table, pool: pool, costRatio: v.costRatio, subsetsOut: nil, plot: plot, out: out,
                    sections: [.data(raw, x, cov)], inputs: echo + [("alpha", .number(interval.alpha))])
            default:
                throw UsageError("\(files[0]) does not come from bootstrap, scan or vote")
            }
        }
    }
}
