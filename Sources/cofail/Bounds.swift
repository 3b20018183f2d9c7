import ArgumentParser
import CoFail

struct Bounds: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Smallest and largest β consistent with a pool's error rate and pairwise co-error (Fréchet bounds, "
            + "Prop. 3).",
        discussion: """
            From parameters:  cofail bounds --models 10 --error 0.3 --co-error 0.15
            From a matrix:    cofail bounds matrix.csv
            Pairwise statistics leave β anywhere in [beta_min, beta_max]: they cannot identify the tail.
            """
    )

    @Argument(
        help: "Outcome matrix (uses its mean error and mean pairwise co-error); omit with --models/--error/--co-error.")
    var paths: [String] = []
    var matrix: String? { paths.isEmpty ? nil : paths.joined(separator: " ") }
    @Option(help: "Pool size m.") var models: Int?
    @Option(help: "Marginal error p.") var error: Double?
    @Option(name: .customLong("co-error"), help: "Pairwise co-error c = P(both wrong).") var coError: Double?
    @OptionGroup var input: InputOptions
    @OptionGroup var out: OutputOptions

    /// The LP has m + 1 columns and β_SF an m-fold product: beyond this pool size the refusal
    /// came only after seconds of work, so it is made here.
    static let maxModels = 10_000

    func validate() throws {
        try input.check(paths, optional: true)
        if let m = models, m < 2 || m > Bounds.maxModels {
            throw ValidationError("--models must lie in 2...\(Bounds.maxModels) (got \(m))")
        }
        for (name, v) in [("--error", error), ("--co-error", coError)] {
            if let v, !(v >= 0 && v <= 1) {
                throw ValidationError("\(name) must lie in [0, 1] (got \(v))")
            }
        }
        let given = [models != nil, error != nil, coError != nil].filter { $0 }.count
        if matrix != nil && given > 0 {
            throw ValidationError("give either MATRIX or --models/--error/--co-error, not both")
        }
        if matrix == nil && given != 3 {
            throw ValidationError("give MATRIX, or all three of --models, --error and --co-error")
        }
    }

    func run() throws {
        try runReporting {
            var report = Report(
                command: "bounds",
                inputs: [
                    ("matrix", matrix.map { .string($0) } ?? .null), ("models", models.map { .int($0) } ?? .null),
                    ("error", .num(error)), ("co_error", .num(coError)),
                ] + input.echo)
            if !paths.isEmpty {
                let (raw, x, cov) = try input.load(paths, threads: RunOptions.cores)
                let b = try FrechetBounds(x)
                let c = try Certificate(x)
                report.sections = [.data(raw, x, cov), b.section(observedBeta: c.beta)]
            } else {
                report.sections = [try FrechetBounds(models: models!, error: error!, coError: coError!).section()]
            }
            try emit(report.render(out.format), to: out.output)
        }
    }
}
