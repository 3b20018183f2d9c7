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
    @Option(help: "Held-out folds of the realisable type router (needs a type column; default off).")
    var folds: Int?
    @Option(help: "Seed of the held-out fold split.")
    var seed: UInt64 = 1
    @Option(name: .customLong("model-costs"), help: "CSV model,cost: constant dollars per query for a wide matrix.")
    var modelCosts: String?
    @Option(help: "Comma-separated model names forming the pool (default: every model).")
    var models: String?
    @Option(help: "Write an SVG: accuracy against dollars per query, and λ(B).")
    var plot: String?
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
            guard let costs = try CellCosts.select(raw, cov, modelCosts: mc) else {
                throw UsageError(
                    "\(raw.source) has no cost field: route needs a cost per cell (long CSV / JSON Lines 'cost') "
                        + "or --model-costs FILE for a wide matrix")
            }
            let data = try RouteData(matrix: x, costs: costs, types: QueryTypes.select(raw, cov))
            var o = RouteOptions()
            o.partitions = try partitions()
            o.budgets = try budgetList()
            o.budgetGrid = budgetGrid
            o.policyBudget = policyBudget
            let analysis = try RouteAnalysis(data, options: o)
            var sections: [Report.Section] = [.data(raw, x, cov), .route(analysis)]
            var evaluation: RouterEvaluation?
            if let routes {
                let (r, ignored) = try RouterEvaluation.loadRoutes(routes, data: data, inputQueries: raw.queryIDs)
                let e = RouterEvaluation(data, routes: r, frontiers: analysis.frontiers)
                evaluation = e
                sections.append(.router(e, ignored: ignored))
            }
            if let folds {
                guard let typeFrontier = analysis.frontiers.first(where: { $0.partition == .type }) else {
                    throw UsageError("--folds needs the type partition (a type column in the input)")
                }
                let budget = policyBudget ?? typeFrontier.defaultPolicyBudget
                let t = try TypeRouter(
                    data, typeFrontier: typeFrontier, policyBudget: budget, folds: folds, seed: seed,
                    frontiers: analysis.frontiers)
                sections.append(.typeRouter(t))
            }
            if let policyOut {
                try emit(analysis.policyCSV(), to: policyOut)
            }
            if let plot {
                try emit(analysis.plot(router: evaluation), to: plot)
            }
            let inputs: [(String, JSONValue)] =
                [
                    ("matrix", .string(matrix)), ("partition", partition.map { .string($0) } ?? .null),
                    ("budgets", budgets.map { .string($0) } ?? .null), ("budget_grid", .int(budgetGrid)),
                    ("policy_budget", .num(policyBudget)), ("routes", routes.map { .string($0) } ?? .null),
                    ("folds", folds.map { .int($0) } ?? .null), ("seed", .string(String(seed))),
                    ("model_costs", modelCosts.map { .string($0) } ?? .null),
                    ("models", models.map { .string($0) } ?? .null),
                ] + input.echo
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
