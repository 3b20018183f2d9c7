import ArgumentParser
import CoFail
import Foundation

struct RouteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route",
        abstract: "What can a router buy? The budget frontier, its shadow price and router evaluation (METHODS §12).",
        discussion: """
            Example:  cofail route examples/routing/matrix.csv --routes examples/routing/router.csv --plot route.svg
            Input: long CSV or JSON Lines with a cost on every kept cell and an optional type column, or a wide \
            CSV with --model-costs FILE (model,cost). V(B) is the best accuracy any router can reach at a mean \
            cost of B dollars per query; λ = V'(B) is what one more dollar buys.
            Learned routers (METHODS §16):  cofail route M.csv --texts prompts.csv [--budget B] — kNN, \
            L2-logistic and the constant baseline trained out of fold on the prompt text (or --features) and \
            compared with the held-out single best model; costs are optional then.
            """
    )

    @Argument(
        help:
            ArgumentHelp(
                "Outcome matrix with costs (long CSV or JSON Lines; wide CSV with --model-costs; '-' for stdin; "
                    + "with --from: log paths)."
            )
    )
    var paths: [String]
    var matrix: String { paths.joined(separator: " ") }
    @Option(
        help: "Partitions: query, type, none or all, comma-separated (default: every one that applies).")
    var partition: String?
    @Option(help: "Comma-separated budgets (dollars per query) of the curve.")
    var budgets: String?
    @Option(name: .customLong("budget-grid"), help: "Number of equally spaced curve budgets (default 50).")
    var budgetGrid: Int = 50
    @Option(
        name: .customLong("policy-budget"), help: "Budget of the canonical policy (default: each frontier's midpoint).")
    var policyBudget: Double?
    @Option(name: .customLong("policy-out"), help: "Write every canonical policy as CSV partition,type,model,weight.")
    var policyOut: String?
    @Option(help: "A router's choices, CSV query,model: evaluate it against the oracle gain and the frontiers.")
    var routes: String?
    @Option(help: "Held-out folds of the type router (needs types; default off) and of learned routers (default 5).")
    var folds: Int?
    @Option(help: "Seed of the held-out fold split (default 1 for the type router, 0 for learned routers).")
    var seed: UInt64?
    @Option(help: "Learners: knn, logistic, constant, type (needs types), comma-separated, or all.")
    var learner: String = "all"
    @Option(help: "Learned routers: mean $ per query to spend (needs costs; baseline: the best type-blind mixture).")
    var budget: Double?
    @Option(help: "Overhead o a learned router must beat the baseline by (accuracy, as a fraction).")
    var overhead: Double = 0.01
    @Option(help: "Two-sided level of the gain's interval.")
    var alpha: Double = 0.05
    @Option(name: .customLong("routes-out"), help: "Write the learned routes as CSV query,learner,model.")
    var routesOut: String?
    @Option(help: "Threads of the learned routers' fits (results are identical for any value).")
    var threads: Int = RunOptions.cores
    @Option(name: .customLong("model-costs"), help: "CSV model,cost: constant dollars per query for a wide matrix.")
    var modelCosts: String?
    @Option(help: "Comma-separated model names forming the pool (default: every model).")
    var models: String?
    @Option(help: "Write an SVG: accuracy against dollars per query, and λ(B).")
    var plot: String?
    @OptionGroup var routers: LearnedRouterFlags
    @OptionGroup var input: InputOptions
    @OptionGroup var out: OutputOptions

    func validate() throws {
        try input.check(paths, optional: false)
        _ = try partitions()
        _ = try budgetList()
        if budgetGrid < 1 || budgetGrid > 1_000_000 {
            throw ValidationError("--budget-grid must lie in 1...1000000 (got \(budgetGrid))")
        }
        if let b = policyBudget, !(b >= 0 && b.isFinite) {
            throw ValidationError("--policy-budget must be a non-negative number (got \(b))")
        }
        if let k = folds, k < 2 {
            throw ValidationError("--folds must be at least 2 (got \(k))")
        }
        let learned = routers.given
        let needs: [(Bool, String)] = [
            (budget != nil, "--budget"), (routesOut != nil, "--routes-out"), (learner != "all", "--learner"),
        ]
        if !learned, let flag = needs.first(where: { $0.0 })?.1 {
            throw ValidationError("\(flag) applies to learned routers: add --texts or --features")
        }
        _ = try learners()
        if let b = budget, !(b >= 0 && b.isFinite) {
            throw ValidationError("--budget must be a non-negative number (got \(b))")
        }
        if !(overhead >= 0 && overhead <= 1) {
            throw ValidationError("--overhead must lie in [0, 1] (got \(overhead))")
        }
        if !(alpha >= 1e-10 && alpha < 1) {
            throw ValidationError("--alpha must lie in [1e-10, 1) (got \(alpha))")
        }
        try RunOptions.check(threads: threads)
    }

    func learners() throws -> [RouterLearner] {
        if learner == "all" {
            return RouterLearner.allCases
        }
        var out: [RouterLearner] = []
        for word in learner.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let l = RouterLearner(rawValue: word) else {
                throw ValidationError("--learner takes knn, logistic, constant, type or all (got '\(word)')")
            }
            if !out.contains(l) {
                out.append(l)
            }
        }
        return out
    }

    func partitions() throws -> [RoutePartition]? {
        guard let partition else {
            return nil
        }
        var out: [RoutePartition] = []
        for word in partition.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if word == "all" {
                out += RoutePartition.allCases
            } else if let p = RoutePartition(rawValue: word) {
                out.append(p)
            } else {
                throw ValidationError("--partition takes query, type, none or all (got '\(word)')")
            }
        }
        return out
    }

    func budgetList() throws -> [Double]? {
        guard let budgets else {
            return nil
        }
        let values = budgets.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0!.isFinite && $0! >= 0 }) else {
            throw ValidationError("--budgets must be comma-separated non-negative numbers (got '\(budgets)')")
        }
        return values.map { $0! }
    }

    func run() throws {
        try runReporting {
            let raw = try input.raw(paths, threads: RunOptions.cores)
            let reg = try input.registry.map { try ModelRegistry.load($0) }
            let pool = try poolIndices(raw)
            let (x, cov) = try raw.applyCoverage(input.policy, registry: reg, models: pool)
            let mc = try modelCosts.map { try ModelCosts.load($0) }
            let costs = try CellCosts.select(raw, cov, modelCosts: mc)
            let signals = try routers.load(queryIDs: x.queryIDs)
            if costs == nil && signals == nil {
                throw UsageError(
                    "\(raw.source) has no cost field: route needs a cost per cell (long CSV / JSON Lines 'cost') "
                        + "or --model-costs FILE for a wide matrix")
            }
            let zero = CellCosts(n: x.n, m: x.m, values: Array(repeating: 0, count: x.n * x.m))
            let data = try RouteData(matrix: x, costs: costs ?? zero, types: QueryTypes.select(raw, cov))
            var sections: [Report.Section] = [.data(raw, x, cov)]
            var analysis: RouteAnalysis?
            var evaluation: RouterEvaluation?
            if costs != nil {
                var o = RouteOptions()
                o.partitions = try partitions()
                o.budgets = try budgetList()
                o.budgetGrid = budgetGrid
                o.policyBudget = policyBudget
                let a = try RouteAnalysis(data, options: o)
                analysis = a
                sections.append(.route(a))
                if let routes {
                    let (r, ignored) = try RouterEvaluation.loadRoutes(routes, data: data, inputQueries: raw.queryIDs)
                    let e = RouterEvaluation(data, routes: r, frontiers: a.frontiers)
                    evaluation = e
                    sections.append(.router(e, ignored: ignored))
                }
                // with --texts/--features, --folds is the learned routers' (their `type` learner is this router)
                if let folds, signals == nil {
                    guard a.frontiers.contains(where: { $0.partition == .type }) else {
                        throw UsageError("--folds needs the type partition (a type column in the input)")
                    }
                    let t = try TypeRouter(
                        data, policyBudget: policyBudget, folds: folds, seed: seed ?? 1, frontiers: a.frontiers)
                    sections.append(.typeRouter(t))
                }
            } else if routes != nil || policyOut != nil {
                throw UsageError("--routes and --policy-out need costs (a cost per cell or --model-costs)")
            }
            var learned: LearnedRouters?
            if let signals {
                var lo = LearnedRouterOptions()
                lo.learners = try learners()
                lo.folds = folds ?? 5
                lo.seed = seed ?? 0
                lo.budget = budget
                lo.neighbors = routers.neighbors
                lo.l2 = routers.l2
                lo.hashBuckets = routers.hashBuckets
                lo.overhead = overhead
                lo.alpha = alpha
                lo.threads = threads
                let l = try LearnedRouters(
                    data, hasCosts: costs != nil, signals: signals.signals, frontiers: analysis?.frontiers ?? [],
                    options: lo)
                learned = l
                sections.append(.learnedRouters(l, source: signals.source, extraRows: signals.extraRows))
                if let routesOut {
                    try emit(l.routesCSV(queryIDs: x.queryIDs), to: routesOut)
                }
            }
            if let policyOut, let analysis {
                try emit(analysis.policyCSV(), to: policyOut)
            }
            if let plot {
                guard let analysis else {
                    throw UsageError("--plot draws the budget frontiers: it needs costs")
                }
                try emit(analysis.plot(router: evaluation, learned: learned), to: plot)
            }
            let inputs: [(String, JSONValue)] =
                [
                    ("matrix", .string(matrix)), ("partition", partition.map { .string($0) } ?? .null),
                    ("budgets", budgets.map { .string($0) } ?? .null), ("budget_grid", .int(budgetGrid)),
                    ("policy_budget", .num(policyBudget)), ("routes", routes.map { .string($0) } ?? .null),
                    ("folds", folds.map { .int($0) } ?? .null), ("seed", seed.map { .string(String($0)) } ?? .null),
                    ("learner", .string(learner)), ("budget", .num(budget)),
                    ("model_costs", modelCosts.map { .string($0) } ?? .null),
                    ("models", models.map { .string($0) } ?? .null),
                ] + routers.echo + input.echo
            try emit(Report(command: "route", inputs: inputs, sections: sections).render(out.format), to: out.output)
        }
    }

    /// Input indices of the pool named by --models (default: every model).
    func poolIndices(_ raw: RawMatrix) throws -> [Int]? {
        guard let models else {
            return nil
        }
        var out: [Int] = []
        for name in models.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let i = raw.modelNames.firstIndex(of: name) else {
                throw CoFailError.invalidParameter(
                    name: "models", value: name, requirement: "name models of \(raw.source)")
            }
            if !out.contains(i) {
                out.append(i)
            }
        }
        return out
    }
}
