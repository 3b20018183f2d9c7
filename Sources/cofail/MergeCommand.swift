import ArgumentParser
import CoFail
import Foundation

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract:
            "Combine shard files of one bootstrap, scan, vote, cascade or fuse run into exactly the unsharded result.",
        discussion: "Example:  cofail merge boot-0.units boot-1.units boot-2.units --format json"
    )
    @Argument(help: "Shard files written by 'cofail bootstrap|scan|vote|cascade|fuse --shard i/N'.")
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
            let echo: [(String, JSONValue)] = [
                ("matrix", .string(sig.matrix)), ("merged_shards", .int(files.count)),
                ("seed", .string(String(sig.seed))),
            ]
            if sig.command == "cascade" {
                // a cascade covers its pair only
                try mergeCascade(table, raw: try EngineInput.reloadRaw(sig), echo: echo)
                return
            }
            if sig.command == "fuse" {
                guard let f = sig.fuse else {
                    throw UsageError("\(files[0]) is a fuse run without its fuse options")
                }
                let raw = try EngineInput.reloadRaw(sig)
                let units = try Fusion.Units(
                    raw, policy: sig.input.policy, options: f.options(seed: sig.seed, threads: RunOptions.cores))
                guard units.count == table.units else {
                    throw UsageError("\(files[0]) has \(table.units) units; the fuse run defines \(units.count)")
                }
                try finishFuse(
                    units, table: table, raw: raw, policy: sig.input.policy, plot: plot, out: out, inputs: echo)
                return
            }
            let (raw, x, cov) = try EngineInput.reload(sig, models: sig.vote?.selected)
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
                throw UsageError("\(files[0]) does not come from bootstrap, scan, vote, cascade or fuse")
            }
        }
    }

    func mergeCascade(_ table: UnitTable, raw: RawMatrix, echo: [(String, JSONValue)]) throws {
        let sig = table.signature
        guard let c = sig.cascade else {
            throw UsageError("\(files[0]) is a cascade run without its cascade options")
        }
        let pair = try CascadeInput(raw, cheap: c.cheap, strong: c.strong, policy: sig.input.policy)
        var o = CascadeOptions()
        o.floor = c.floor
        o.folds = c.folds
        o.seed = sig.seed
        o.objective = CascadeObjective(rawValue: c.objective) ?? .advantage
        o.maxEscalation = c.maxEscalation
        o.noiseLevels = c.noiseLevels
        o.noiseSeeds = c.noiseSeeds
        guard o.noiseLevels.count * o.noiseSeeds == table.units else {
            let defined = c.noiseLevels.count * c.noiseSeeds
            throw UsageError("\(files[0]) has \(table.units) units; the cascade run defines \(defined)")
        }
        try finishCascade(
            raw: raw, pair: pair, options: o, noiseTable: table, plot: plot, out: out, inputs: echo)
    }
}
