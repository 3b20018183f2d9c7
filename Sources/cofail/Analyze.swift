import ArgumentParser
import CoFail
import Foundation

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Certificate plus the residual decomposition: tetrachoric, single-factor, full Gaussian and Clayton "
            + "copulas (METHODS §1–§5).",
        discussion: """
            Example:  cofail analyze examples/zeroeval_math_l5/matrix.csv --registry \
            examples/zeroeval_math_l5/models.csv --pairs pairs.csv
            """
    )

    @Argument(help: "Outcome matrix (wide CSV, long CSV or JSON Lines; '-' for stdin; with --from: log paths).")
    var paths: [String]
    var matrix: String { paths.joined(separator: " ") }

    @OptionGroup var input: InputOptions
    @OptionGroup var levels: CertificateFlags
    @OptionGroup var out: OutputOptions

    @Option(help: "Crude Monte Carlo draws for β_full (the agreement check of the tilted estimator; 0 skips it).")
    var draws: Int = 1_000_000
    @OptionGroup var common: RunOptions
    @Option(help: "Write the per-pair table (counts, φ, r, corrected flag) to this CSV file.")
    var pairs: String?
    @OptionGroup var pairwise: PairwiseOptions
    @OptionGroup var fullPrecision: FullPrecisionOptions
    @Flag(name: .customLong("no-full"), help: "Skip the full Gaussian copula (nearest correlation matrix and β_full).")
    var noFull = false
    @Flag(help: "Add the wall time of each stage to the report.")
    var timings = false
    @Option(help: "Write an SVG: the tetrachoric heat map (clustered) beside the eigenvalue spectrum.")
    var plot: String?

    func validate() throws {
        try input.check(paths, optional: false)
        if draws < 0 || draws > 1_000_000_000_000 {
            throw ValidationError("--draws must lie in 0...10^12 (got \(draws))")
        }
    }

    func run() throws {
        try runReporting {
            let (raw, x, cov) = try input.load(paths, threads: common.threads)
            var o = AnalysisOptions()
            o.certificate = levels.options
            o.correction = pairwise.correction
            o.threads = common.threads
            o.seed = common.seed
            o.precision.crudeDraws = draws
            o.precision.fullRelError = fullPrecision.fullRelError ?? Precision.report.fullRelError
            o.full = !noFull
            let a = try Analysis(x, options: o)
            let echo: [(String, JSONValue)] =
                [("matrix", .string(matrix))] + input.echo + levels.echo + [
                    ("draws", .int(draws)), ("threads", .int(common.threads)), ("seed", .string(String(common.seed))),
                    ("zero_cell_correction", .bool(pairwise.correction)), ("full", .bool(!noFull)),
                ]
            if let pairs { try emit(a.pairsCSV(names: x.modelNames), to: pairs) }
            if let plot { try emit(try a.plot(names: x.modelNames), to: plot) }
            var report = a.report(raw: raw, matrix: x, coverage: cov, inputs: echo)
            if timings { report.sections.append(a.timingSection()) }
            try emit(report.render(out.format), to: out.output)
        }
    }
}
