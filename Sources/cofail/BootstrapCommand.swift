import ArgumentParser
import CoFail
import Foundation

struct BootstrapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bootstrap",
        abstract:
            "Joint bootstrap of β, A*, G, mean φ, mean tetrachoric, β_SF, U_tet and ρ* with percentile and BCa "
            + "intervals (METHODS §6).",
        discussion: """
            Example:  cofail bootstrap examples/zeroeval_math_l5/matrix.csv --replicates 2000 --plot u.svg
            Scale out: run with --shard i/N (or as a Slurm job array) and combine with 'cofail merge'.
            """
    )

    @Argument(help: "Outcome matrix (a file: shards and checkpoints record its path and hash).")
    var matrix: String
    @Option(help: "Number of bootstrap replicates B.")
    var replicates: Int = 1000
    @Option(help: "Statistics, comma-separated (default: the standard set; add beta_clayton, beta_full).")
    var stats: String?
    @Flag(help: "Also propagate β_full (nearest correlation matrix and tilted estimator per replicate).")
    var full = false
    @Option(
        name: .customLong("full-draws"),
        help: "β_full: tilted-QMC points of the first round (10 shifts) per replicate.")
    var fullDraws: Int = 5000
    @OptionGroup var fullPrecision: FullPrecisionOptions
    @OptionGroup var interval: IntervalOptions
    @Option(help: "Write replicate-level values as CSV.")
    var samples: String?
    @Option(help: "Write an SVG of the U_tet distribution with its interval.")
    var plot: String?
    @OptionGroup var pairwise: PairwiseOptions
    @OptionGroup var input: InputOptions
    @OptionGroup var engine: EngineOptions
    @OptionGroup var out: OutputOptions

    func validate() throws {
        if fullDraws < 10 || fullDraws > 100_000_000 {
            throw ValidationError("--full-draws must lie in 10...10^8 (got \(fullDraws))")
        }
        let list = try statList()
        if let problem = UnitTable.capacityProblem(units: replicates, columns: list.count) {
            throw ValidationError("--replicates \(replicates): \(problem)")
        }
        try engine.requireFile(matrix, command: "bootstrap")
        try input.requireMatrixFile(command: "bootstrap")
    }

    func statList() throws -> [BootstrapStatistic] {
        var list = BootstrapStatistic.standard
        if let stats {
            list = try stats.split(separator: ",").map { name in
                guard let s = BootstrapStatistic(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                    let names = BootstrapStatistic.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ValidationError("unknown statistic '\(name)'; choose from \(names)")
                }
                return s
            }
        }
        if full && !list.contains(.beta_full) { list.append(.beta_full) }
        return list
    }

    func run() throws {
        try runReporting {
            let ei = input.engineInput(matrix)
            let (raw, x, cov, hash) = try ei.load(threads: engine.common.threads)
            let list = try statList()
            let boot = try Bootstrap(
                x, stats: list, seed: engine.common.seed, correction: pairwise.correction,
                fullPoints: fullDraws, fullRelError: fullPrecision.fullRelError ?? Precision.replicate.fullRelError)
            var signature = RunSignature(
                command: "bootstrap", input: ei, matrixHash: hash, seed: engine.common.seed,
                zeroCellCorrection: pairwise.correction)
            signature.replicates = replicates
            signature.stats = list.map(\.rawValue)
            signature.fullPoints = fullDraws
            signature.fullRelError = fullPrecision.fullRelError ?? Precision.replicate.fullRelError
            let table = try engine.execute(
                engine: "bootstrap", signature: signature, columns: list.map(\.rawValue),
                units: replicates, output: out.output
            ) { try boot.replicate($0) }
            guard let table else {
                return
            }
            let summary = BootstrapSummary(
                stats: list, estimates: try boot.estimate(), table: table,
                jackknife: try boot.jackknife(), alpha: interval.alpha)
            let inputs: [(String, JSONValue)] = [
                ("matrix", .string(matrix)), ("replicates", .int(replicates)),
                ("seed", .string(String(engine.common.seed))),
                ("stats", .string(list.map(\.rawValue).joined(separator: ","))),
                ("alpha", .number(interval.alpha)),
            ]
            try finishBootstrap(
                summary, raw: raw, x: x, cov: cov, samples: samples, plot: plot, out: out,
                inputs: inputs + input.echo)
        }
    }
}

/// Shared by `bootstrap` and `merge`.
func finishBootstrap(
    _ summary: BootstrapSummary, raw: RawMatrix, x: OutcomeMatrix, cov: CoverageReport, samples: String?, plot: String?,
    out: OutputOptions, inputs: [(String, JSONValue)]
) throws {
    if let samples { try emit(summary.samplesCSV(), to: samples) }
    if let plot, let svg = summary.plot() { try emit(svg, to: plot) }
    let report = Report(command: "bootstrap", inputs: inputs, sections: [.data(raw, x, cov), summary.section()])
    try emit(report.render(out.format), to: out.output)
}
