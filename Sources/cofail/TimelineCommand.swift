import ArgumentParser
import CoFail
import Foundation

struct TimelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "The release timeline: dollars per correct and the value of broad access (METHODS §19).",
        discussion: """
            Example:  cofail timeline examples/zeroeval_math_l5/matrix.csv --registry \
            examples/zeroeval_math_l5/timeline.csv --model-costs examples/zeroeval_math_l5/model_costs.csv
            The registry's `released` column (YYYY-MM-DD) dates every model. For each release date the pool \
            is every model released on or before it: its best model A*, co-failure ceiling 1 − β, the best \
            single model's and the per-query oracle's dollars per correct, and the option value A*(d) − A*(d₀) \
            of access to every released model over committing to the best model of --commit-date d₀.
            """
    )

    @Argument(
        help: ArgumentHelp("Outcome matrix with costs (or --model-costs); '-' for stdin; with --from: log paths."))
    var paths: [String]
    var matrix: String { paths.joined(separator: " ") }
    @Option(name: .customLong("model-costs"), help: "CSV model,cost: constant dollars per query for each model.")
    var modelCosts: String?
    @Option(name: .customLong("commit-date"), help: "d₀ of the option value, YYYY-MM-DD (default: the first date).")
    var commitDate: String?
    @Option(help: "Two-sided level of β's Clopper–Pearson interval.")
    var alpha: Double = 0.05
    @Option(help: "Write an SVG: A* and 1 − β, and dollars per correct, against the release date.")
    var plot: String?
    @OptionGroup var input: InputOptions
    @OptionGroup var out: OutputOptions

    func validate() throws {
        try input.check(paths, optional: false)
        if input.registry == nil {
            throw ValidationError("timeline needs --registry F with a released column (YYYY-MM-DD per model)")
        }
        if let d = commitDate, !ReleaseDate.isValid(d) {
            throw ValidationError("--commit-date must be a date YYYY-MM-DD (got '\(d)')")
        }
        if !(alpha >= 1e-10 && alpha < 1) {
            throw ValidationError("--alpha must lie in [1e-10, 1) (got \(alpha))")
        }
    }

    func run() throws {
        try runReporting {
            let raw = try input.raw(paths, threads: RunOptions.cores)
            let reg = try ModelRegistry.load(input.registry!)
            let (x, cov) = try raw.applyCoverage(input.policy, registry: reg, models: nil)
            let mc = try modelCosts.map { try ModelCosts.load($0) }
            guard let costs = try CellCosts.select(raw, cov, modelCosts: mc) else {
                throw UsageError(
                    "\(raw.source) has no cost field and no --model-costs FILE was given: the registry's prices alone "
                        + "give no per-query cost (they need token counts)")
            }
            let undated = x.modelNames.filter { reg.entries[$0]?.released == nil }
            if !undated.isEmpty {
                throw CoFailError.data(
                    InputLocation(file: reg.source, columnName: "released"), value: undated.joined(separator: ", "),
                    message: "\(undated.count) model(s) of \(raw.source) have no release date")
            }
            let data = try RouteData(matrix: x, costs: costs, types: nil)
            let t = try ReleaseTimeline(
                data, released: x.modelNames.map { reg.entries[$0]!.released! }, commitDate: commitDate, alpha: alpha)
            if let plot {
                try emit(t.plot(), to: plot)
            }
            let inputs: [(String, JSONValue)] =
                [
                    ("matrix", .string(matrix)), ("model_costs", modelCosts.map { .string($0) } ?? .null),
                    ("commit_date", commitDate.map { .string($0) } ?? .null), ("alpha", .number(alpha)),
                ] + input.echo
            let report = Report(command: "timeline", inputs: inputs, sections: [.data(raw, x, cov), .timeline(t)])
            try emit(report.render(out.format), to: out.output)
        }
    }
}
