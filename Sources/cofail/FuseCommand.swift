import ArgumentParser
import CoFail
import Foundation

struct FuseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuse",
        abstract: "Self-MoA against heterogeneous fusion at matched quality, on repeated samples (METHODS §18).",
        discussion: """
            Example:  cofail simulate matrix --law gaussian --rho 0.3 --error 0.35 --queries 1000 --models 12 \
            --samples 10 --intra-rho 0.6 --output-format long --seed 1 -o s.csv && cofail fuse s.csv --band 0.5:0.8 \
            --draws 5
            Input: long CSV or JSON Lines with a sample column. Each cell's samples are split by a portable hash \
            order into an estimation half (intra- and inter-model tetrachoric correlation) and an evaluation half: \
            the strict majority of k samples of the band's best model (Self-MoA) against the mean majority of \
            every k-subset of the kept models, each answering once. The splits are engine units: \
            --checkpoint/--resume and --shard i/N work as for bootstrap, and 'cofail merge' combines shards.
            """
    )

    @Argument(help: ArgumentHelp("Outcome matrix with a sample column ('-' for stdin; with --from: log paths)."))
    var paths: [String]
    var matrix: String { paths.joined(separator: " ") }
    @Option(help: "Accuracy band lo:hi of the matched-quality models (sample-0 accuracy).")
    var band: String = "0:1"
    @Option(help: "k: draws on each side (odd, at least 3).")
    var draws: Int = 5
    @Option(help: "Splits of the samples into estimation and evaluation halves.")
    var splits: Int = 50
    @Option(help: "Seed of the split order (and of sampled subsets and the bootstrap).")
    var seed: UInt64 = 0
    @Option(name: .customLong("max-subsets"), help: "Beyond this many k-subsets, average a uniform sample of them.")
    var maxSubsets: Int = 1_000_000
    @Option(help: "Query-bootstrap replicates of the first split's gain.")
    var replicates: Int = 1000
    @Option(help: "Two-sided level of the gain's bootstrap interval.")
    var alpha: Double = 0.05
    @Option(help: "Write an SVG of the gain per split.")
    var plot: String?
    @Option(help: "Threads over the splits (results are identical for any value).")
    var threads: Int = RunOptions.cores
    @OptionGroup var units: UnitOptions
    @OptionGroup var input: InputOptions
    @OptionGroup var out: OutputOptions

    func bandRange() throws -> ClosedRange<Double> {
        let parts = band.split(separator: ":").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let lo = parts[0], let hi = parts[1], lo >= 0, hi <= 1, lo <= hi else {
            throw ValidationError("--band takes lo:hi with 0 ≤ lo ≤ hi ≤ 1 (got '\(band)')")
        }
        return lo...hi
    }

    func validate() throws {
        try input.check(paths, optional: false)
        _ = try bandRange()
        if draws < 3 || draws % 2 == 0 {
            throw ValidationError("--draws must be odd and at least 3 (got \(draws))")
        }
        if splits < 1 || splits > 1_000_000 {
            throw ValidationError("--splits must lie in 1...1000000 (got \(splits))")
        }
        if maxSubsets < 1 {
            throw ValidationError("--max-subsets must be at least 1 (got \(maxSubsets))")
        }
        if replicates < 0 || replicates > 10_000_000 {
            throw ValidationError("--replicates must lie in 0...10000000 (got \(replicates))")
        }
        if !(alpha >= 1e-10 && alpha < 1) {
            throw ValidationError("--alpha must lie in [1e-10, 1) (got \(alpha))")
        }
        try RunOptions.check(threads: threads)
        if units.checkpoint != nil || units.shard != nil {
            try units.requireFile(matrix, command: "fuse")
        }
    }

    func run() throws {
        try runReporting {
            // one matrix file: the splits run on the engine (checkpoints, shards, Ctrl-C)
            let onFile = input.from == nil && matrix != "-"
            let loaded = onFile ? try input.engineInput(matrix).loadRaw(threads: threads) : nil
            let raw = try loaded?.raw ?? input.raw(paths, threads: threads)
            var o = FuseOptions()
            o.band = try bandRange()
            o.draws = draws
            o.splits = splits
            o.seed = seed
            o.maxSubsets = maxSubsets
            o.replicates = replicates
            o.alpha = alpha
            o.threads = threads
            let fuseUnits = try Fusion.Units(raw, policy: input.policy, options: o)
            let table: UnitTable
            if let hash = loaded?.hash {
                var signature = RunSignature(
                    command: "fuse", input: input.engineInput(matrix), matrixHash: hash, seed: seed,
                    zeroCellCorrection: true)
                signature.fuse = FuseSignature(options: o)
                guard
                    let done = try units.execute(
                        engine: "fuse", signature: signature, columns: Fusion.Units.columns,
                        units: fuseUnits.count, output: out.output, threads: threads, seed: seed,
                        compute: { try fuseUnits.compute($0) })
                else {
                    return
                }
                table = done
            } else {
                var t = UnitTable(
                    signature: .inProcess, columns: Fusion.Units.columns, units: fuseUnits.count, shard: .whole)
                _ = try UnitRunner(threads: threads).run(&t) { try fuseUnits.compute($0) }
                table = t
            }
            let inputs: [(String, JSONValue)] =
                [
                    ("matrix", .string(matrix)), ("band", .string(band)), ("draws", .int(draws)),
                    ("splits", .int(splits)), ("seed", .string(String(seed))), ("max_subsets", .int(maxSubsets)),
                    ("replicates", .int(replicates)), ("alpha", .number(alpha)),
                ] + input.echo
            try finishFuse(
                fuseUnits, table: table, raw: raw, policy: input.policy, plot: plot, out: out, inputs: inputs)
        }
    }
}

/// Shared by `fuse` and `merge`: the fusion from its completed split table, its plot and its report.
func finishFuse(
    _ units: Fusion.Units, table: UnitTable, raw: RawMatrix, policy: CoveragePolicy, plot: String?,
    out: OutputOptions, inputs: [(String, JSONValue)]
) throws {
    let f = try Fusion(units, table: table)
    let (x, cov) = try raw.applyCoverage(policy)
    if let plot {
        try emit(f.plot(), to: plot)
    }
    let report = Report(command: "fuse", inputs: inputs, sections: [.data(raw, x, cov), .fuse(f)])
    try emit(report.render(out.format), to: out.output)
}
