/// Options of `route` (METHODS §12.2).
public struct RouteOptions: Sendable {
    /// Partitions to compute; nil = every one that applies (none, type when there are types, query).
    public var partitions: [RoutePartition]?
    /// Budgets of the curve; nil = `budgetGrid` equally spaced points.
    public var budgets: [Double]?
    public var budgetGrid = 50
    /// Budget of the canonical policy; nil = the midpoint of each frontier's [budget_min, oracle_cost].
    public var policyBudget: Double?

    public init() {}
}

/// Every §12 quantity of one routing data set: frontiers, comparison points, curve and policies.
public struct RouteAnalysis: Sendable {
    public let data: RouteData
    public let frontiers: [RouteFrontier]
    public let grid: [Double]
    public let policyBudgets: [Double]
    public let policies: [RoutePolicy]
    /// Each policy's own expected cost, Σ_t π_t Σ_m x_tm c_tm.
    public let policyCosts: [Double]
    public let cheapest: Int
    public let best: Int
    public let oracleAccuracy: Double

    public init(_ data: RouteData, options o: RouteOptions) throws {
        self.data = data
        let parts = o.partitions ?? (data.types == nil ? [.none, .query] : [.none, .type, .query])
        if parts.contains(.type) && data.types == nil {
            throw CoFailError.missingField(field: "type", neededBy: "the type partition")
        }
        frontiers = try RoutePartition.allCases.filter(parts.contains).map { try RouteFrontier(data, partition: $0) }
        cheapest = data.cheapestModel
        best = data.bestModel
        oracleAccuracy = Double(data.n - (try data.matrix.allWrong())) / Double(data.n)
        if let budgets = o.budgets {
            grid = budgets
        } else {
            let lo = frontiers.map(\.budgetMin).min() ?? 0
            let top = max(frontiers.map(\.oracleCost).max() ?? 0, (0..<data.m).map(data.meanCost).max() ?? 0)
            let hi = 1.1 * top
            let k = o.budgetGrid
            grid = hi > lo && k > 1 ? (0..<k).map { lo + (hi - lo) * Double($0) / Double(k - 1) } : [lo]
        }
        policyBudgets = frontiers.map { o.policyBudget ?? $0.defaultPolicyBudget }
        policies = zip(frontiers, policyBudgets).map { $0.policy(at: $1) }.compactMap { $0 }
        if policies.count != frontiers.count, let b = o.policyBudget {
            let need = frontiers.map(\.budgetMin).max() ?? 0
            throw CoFailError.invalidParameter(
                name: "policy_budget", value: String(b), requirement: "be at least every budget_min (\(need))")
        }
        policyCosts = zip(frontiers, policies).map {
            RouteCheck.policyCostAndValue(data, frontier: $0, policy: $1).cost
        }
    }

    public var bestAccuracy: Double { data.accuracy(best) }

    /// Random mixing between the cheapest and the best model, R(B) (§12.6); nil when they coincide.
    public var randomMixSlope: Double? {
        guard cheapest != best else {
            return nil
        }
        return (data.accuracy(best) - data.accuracy(cheapest)) / (data.meanCost(best) - data.meanCost(cheapest))
    }

    public func randomMix(at b: Double) -> Quantity {
        guard let slope = randomMixSlope else {
            return .undefined("the cheapest model is also the most accurate")
        }
        let (cc, cb) = (data.meanCost(cheapest), data.meanCost(best))
        if b < cc {
            return .undefined("budget below the cheapest model's cost")
        }
        return .defined(b >= cb ? data.accuracy(best) : data.accuracy(cheapest) + (b - cc) * slope)
    }

    /// The canonical policies as CSV `partition,type,model,weight`.
    public func policyCSV() -> String {
        var out = "partition,type,model,weight\n"
        for (f, p) in zip(frontiers, policies) {
            for r in p.routes {
                out +=
                    [f.partition.rawValue, f.typeNames[r.type], data.matrix.modelNames[r.model], "\(r.weight)"]
                    .map(CSVText.quote).joined(separator: ",") + "\n"
            }
        }
        return out
    }
}

extension RouteFrontier {
    /// The canonical policy's budget when none is asked for: the frontier's midpoint between its
    /// cheapest budget and the oracle's cost.
    public var defaultPolicyBudget: Double { (budgetMin + oracleCost) / 2 }
}
