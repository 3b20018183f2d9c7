import ArgumentParser
import CoFail
import Foundation

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Certificate plus the residual decomposition: tetrachoric, single-factor, full Gaussian and Clayton copulas (METHODS §1–§5).",
        discussion: """
        Example:  cofail analyze examples/zeroeval_math_l5/matrix.csv --registry examples/zeroeval_math_l5/models.csv --pairs pairs.csv
        """
    )

    @Argument(help: "Outcome matrix (wide CSV, long CSV or JSON Lines; '-' for stdin).")
    var matrix: String

    @OptionGroup var input: InputOptions
    @OptionGroup var levels: CertificateFlags
    @OptionGroup var out: OutputOptions

    @Option(help: "Crude Monte Carlo draws for β_full.")
    var draws: Int = 1_000_000
    @Option(help: "Threads for pairwise statistics and Monte Carlo (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Seed of the counter-based random streams (same seed ⇒ same result for any thread count).")
    var seed: UInt64 = 1
    @Option(help: "Write the per-pair table (counts, φ, r, corrected flag) to this CSV file.")
    var pairs: String?
    @OptionGroup var pairwise: PairwiseOptions
    @Flag(name: .customLong("no-full"), help: "Skip the full Gaussian copula (nearest correlation matrix and β_full).")
    var noFull = false
    @Flag(help: "Add the wall time of each stage to the report.")
    var timings = false

    func validate() throws {
        if draws < 1 { throw ValidationError("--draws must be at least 1 (got \(draws))") }
        if threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads))") }
    }

    func run() throws {
        try runReporting {
            let (raw, x, cov) = try input.load(matrix)
            var o = AnalysisOptions()
            o.certificate = levels.options
            o.correction = pairwise.correction
            o.threads = threads
            o.seed = seed
            o.draws = draws
            o.full = !noFull
            let a = try Analysis(x, options: o)
            let echo: [(String, JSONValue)] = [("matrix", .string(matrix))] + input.echo + levels.echo + [
                ("draws", .int(draws)), ("threads", .int(threads)), ("seed", .string(String(seed))),
                ("zero_cell_correction", .bool(pairwise.correction)), ("full", .bool(!noFull))]
            if let pairs { try emit(a.pairsCSV(names: x.modelNames), to: pairs) }
            var report = a.report(raw: raw, matrix: x, coverage: cov, inputs: echo)
            if timings { report.sections.append(a.timingSection()) }
            try emit(report.render(out.format), to: out.output)
        }
    }
}
