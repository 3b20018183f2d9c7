import ArgumentParser
import CoFail

struct Certify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Certify the co-failure ceiling 1 − β of a pool (METHODS §1).",
        discussion: """
            From a matrix:   cofail certify matrix.csv --overhead 0.02
            From counts:     cofail certify --all-wrong 16 --queries 425 --best-correct 379
            Reads standard input for '-'.
            """
    )

    @Argument(help: "Outcome matrix (wide CSV, long CSV or JSON Lines; '-' for stdin). Omit in counts-only mode.")
    var paths: [String] = []
    var matrix: String? { paths.isEmpty ? nil : paths.joined(separator: " ") }

    @OptionGroup var input: InputOptions
    @OptionGroup var levels: CertificateFlags
    @OptionGroup var out: OutputOptions

    @Option(name: .customLong("all-wrong"), help: "Counts-only mode: number of queries every model got wrong (k).")
    var allWrong: Int?
    @Option(help: "Counts-only mode: number of queries (n).")
    var queries: Int?
    @Option(name: .customLong("best-correct"), help: "Counts-only mode: correct answers of the best model.")
    var bestCorrect: Int?

    func validate() throws {
        try input.check(paths, optional: true)
        let counts = [allWrong, queries, bestCorrect].filter { $0 != nil }.count
        if matrix != nil && counts > 0 {
            throw ValidationError("give either MATRIX or --all-wrong/--queries/--best-correct, not both")
        }
        if matrix == nil && counts != 3 {
            throw ValidationError("give MATRIX, or all three of --all-wrong, --queries and --best-correct")
        }
    }

    func run() throws {
        try runReporting {
            var report = Report(
                command: "certify", inputs: [("matrix", matrix.map { .string($0) } ?? .null)] + input.echo + levels.echo
            )
            if !paths.isEmpty {
                let (raw, x, cov) = try input.load(paths, threads: RunOptions.cores)
                let c = try Certificate(x, options: levels.options)
                report.sections = [.data(raw, x, cov), .certificate(c)]
            } else {
                report.inputs += [
                    ("all_wrong", .int(allWrong!)), ("queries", .int(queries!)), ("best_correct", .int(bestCorrect!)),
                ]
                let c = try Certificate(
                    allWrong: allWrong!, queries: queries!, bestCorrect: bestCorrect!, options: levels.options)
                report.sections = [.certificate(c)]
            }
            try emit(report.render(out.format), to: out.output)
        }
    }
}
