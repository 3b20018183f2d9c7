import ArgumentParser
import CoFail
import Foundation

struct DecideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "Which deployable policy to build at a budget, judged on held-out queries (METHODS §17).",
        discussion: """
            Example:  cofail decide examples/decide/matrix.csv --texts examples/decide/prompts.csv --budget 0.004 \
            --html decide.html
            Every applicable candidate — the single best model, the best mixture at the budget, the cheapest \
            model within o of the best, the best majority vote, the type router, routers learned from the \
            prompts (--texts/--features) and the best confidence cascade — is chosen on k − 1 folds and tested \
            on the held-out fold, compared with the baseline (the single best; at a budget the best type-blind \
            mixture that spends it) by a paired interval and McNemar's test against the overhead o, and placed \
            under the certified ceiling 1 − β. Costs, types, confidences and prompts are optional: each enables \
            candidates.
            """
    )

    @Argument(
        help:
            ArgumentHelp(
                "Outcome matrix (long CSV or JSON Lines with optional cost, type and confidence; wide CSV; '-' for "
                    + "stdin; with --from: log paths)."
            )
    )
    var paths: [String]
    var matrix: String { paths.joined(separator: " ") }
    @Option(help: "Mean $ per query the deployed policy may spend (needs costs; baseline: the best mixture at it).")
    var budget: Double?
    @Option(help: "Overhead o a candidate must beat the baseline by (accuracy, as a fraction).")
    var overhead: Double = 0.01
    @Option(help: "Held-out folds k (2 ≤ k ≤ n).")
    var folds: Int = 5
    @Option(help: "Seed of the held-out fold split.")
    var seed: UInt64 = 0
    @Option(help: "Two-sided level of the gain intervals and of β's Clopper–Pearson interval.")
    var alpha: Double = 0.05
    @Option(help: "One-sided risk δ of the certified headroom and of the sequential certificate.")
    var delta: Double = 0.05
    @Option(name: .customLong("vote-pool"), help: "The vote's pool: the K most accurate training models.")
    var votePool: Int = 9
    @Option(name: .customLong("max-vote-size"), help: "Largest vote (odd sizes from 3).")
    var maxVoteSize: Int = 7
    @Option(name: .customLong("model-costs"), help: "CSV model,cost: constant dollars per query for a wide matrix.")
    var modelCosts: String?
    @Option(help: "Write the decision as one self-contained web page (inline SVG and CSS, no script).")
    var html: String?
    @Option(help: "Write the accuracy–cost chart of the candidates as SVG.")
    var plot: String?
    @Option(help: "Threads over folds and candidates (results are identical for any value).")
    var threads: Int = RunOptions.cores
    @OptionGroup var routers: LearnedRouterFlags
    @OptionGroup var input: InputOptions
    @OptionGroup var out: OutputOptions

    func validate() throws {
        try input.check(paths, optional: false)
        if let b = budget, !(b >= 0 && b.isFinite) {
            throw ValidationError("--budget must be a non-negative number (got \(b))")
        }
        if !(overhead >= 0 && overhead <= 1) {
            throw ValidationError("--overhead must lie in [0, 1] (got \(overhead))")
        }
        if folds < 2 {
            throw ValidationError("--folds must be at least 2 (got \(folds))")
        }
        if !(alpha >= 1e-10 && alpha < 1) {
            throw ValidationError("--alpha must lie in [1e-10, 1) (got \(alpha))")
        }
        if !(delta > 0 && delta < 1) {
            throw ValidationError("--delta must lie in (0, 1) (got \(delta))")
        }
        if votePool < 3 {
            throw ValidationError("--vote-pool must be at least 3 (got \(votePool))")
        }
        if maxVoteSize < 3 {
            throw ValidationError("--max-vote-size must be at least 3 (got \(maxVoteSize))")
        }
        try RunOptions.check(threads: threads)
    }

    func run() throws {
        try runReporting {
            let raw = try input.raw(paths, threads: RunOptions.cores)
            let reg = try input.registry.map { try ModelRegistry.load($0) }
            let (x, cov) = try raw.applyCoverage(input.policy, registry: reg, models: nil)
            let mc = try modelCosts.map { try ModelCosts.load($0) }
            let costs = try CellCosts.select(raw, cov, modelCosts: mc)
            if budget != nil && costs == nil {
                throw UsageError(
                    "--budget needs costs: \(raw.source) has no cost field (long CSV / JSON Lines 'cost') and no "
                        + "--model-costs FILE was given")
            }
            let signals = try routers.load(queryIDs: x.queryIDs)
            var o = DecideOptions()
            o.budget = budget
            o.overhead = overhead
            o.folds = folds
            o.seed = seed
            o.alpha = alpha
            o.delta = delta
            o.votePool = votePool
            o.maxVoteSize = maxVoteSize
            o.neighbors = routers.neighbors
            o.l2 = routers.l2
            o.hashBuckets = routers.hashBuckets
            o.threads = threads
            let d = try Decide(
                DecideInput(raw, matrix: x, coverage: cov, costs: costs, signals: signals?.signals), options: o)
            let inputs: [(String, JSONValue)] =
                [
                    ("matrix", .string(matrix)), ("budget", .num(budget)), ("overhead", .number(overhead)),
                    ("folds", .int(folds)), ("seed", .string(String(seed))), ("alpha", .number(alpha)),
                    ("delta", .number(delta)), ("vote_pool", .int(votePool)),
                    ("max_vote_size", .int(maxVoteSize)), ("model_costs", modelCosts.map { .string($0) } ?? .null),
                ] + routers.echo + input.echo
            let report = Report(command: "decide", inputs: inputs, sections: [.decide(d), .data(raw, x, cov)])
            if let plot {
                try emit(d.chart(), to: plot)
            }
            if let html {
                let title = "What to deploy: cofail decide on \(raw.source)"
                try emit(report.html(title: title, lead: ("decide", "reason")), to: html)
            }
            try emit(report.render(out.format), to: out.output)
        }
    }
}
