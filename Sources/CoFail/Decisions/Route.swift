/// Partitions of the kept queries for the routing programme (METHODS §12.3).
public enum RoutePartition: String, Sendable, CaseIterable, Codable {
    /// One type: the best random mixture of models (type-blind routing).
    case none
    /// The input's `type` column.
    case type
    /// Every query its own type: the per-query, cost-aware oracle.
    case query
}

/// What the routing programme needs: correctness, per-cell costs and (optionally) types.
public struct RouteData: Sendable {
    public let matrix: OutcomeMatrix
    public let costs: CellCosts
    public let types: QueryTypes?

    public init(matrix: OutcomeMatrix, costs: CellCosts, types: QueryTypes?) throws {
        guard costs.n == matrix.n, costs.m == matrix.m else {
            throw CoFailError.conflict(
                "costs (\(costs.n) × \(costs.m)) do not match the matrix (\(matrix.n) × \(matrix.m))")
        }
        if let types, types.index.count != matrix.n {
            throw CoFailError.conflict("types cover \(types.index.count) queries, the matrix has \(matrix.n)")
        }
        self.matrix = matrix
        self.costs = costs
        self.types = types
        correctCounts = (0..<matrix.m).map { matrix.n - matrix.errorCount($0) }
        meanCosts = (0..<matrix.m).map { costs.total(model: $0) / Double(matrix.n) }
    }

    /// Correct answers and mean cost C_m of each model, computed once (the report reads them often).
    let correctCounts: [Int]
    let meanCosts: [Double]

    public var n: Int { matrix.n }
    public var m: Int { matrix.m }

    /// Correct answers of model i (n minus its errors).
    public func correctCount(_ i: Int) -> Int { correctCounts[i] }

    /// Single model i: mean cost C_m and accuracy A_m (§12.6).
    public func meanCost(_ i: Int) -> Double { meanCosts[i] }
    public func accuracy(_ i: Int) -> Double { Double(correctCounts[i]) / Double(n) }

    /// The cheapest model (ties: higher accuracy, then input order).
    public var cheapestModel: Int {
        (0..<m).min { a, b in
            let (ca, cb) = (meanCost(a), meanCost(b))
            return ca != cb ? ca < cb : correctCount(a) > correctCount(b)
        } ?? 0
    }

    /// The most accurate model (ties: lower cost, then input order).
    public var bestModel: Int { singleBest(within: nil) }

    /// The most accurate model whose mean cost is at most `budget` (ties: lower cost, then input
    /// order); the cheapest model when none is (METHODS §17.3 item 1).
    public func singleBest(within budget: Double?) -> Int {
        let pool = (0..<m).filter { budget == nil || meanCost($0) <= budget! }
        return pool.min(by: ranksAbove) ?? cheapestModel
    }

    /// The order of single models in Part III: more correct answers, then lower mean cost, then
    /// input order (the single best, the vote's pool, the timeline's best model).
    public func ranksAbove(_ a: Int, _ b: Int) -> Bool {
        let (ka, kb) = (correctCount(a), correctCount(b))
        if ka != kb {
            return ka > kb
        }
        return meanCost(a) != meanCost(b) ? meanCost(a) < meanCost(b) : a < b
    }

    /// The Part III baseline at budget b: the §12 `none` frontier's canonical policy (at most two
    /// models, the second with probability `weight`), or the cheapest model alone with
    /// `meetsBudget` false when b is below every model's mean cost.
    public func bestMixture(at b: Double) throws -> ModelMixture {
        guard let policy = try RouteFrontier(self, partition: .none).policy(at: b) else {
            return ModelMixture(from: cheapestModel, to: cheapestModel, weight: 0, meetsBudget: false)
        }
        if let mix = policy.mix {
            return ModelMixture(from: mix.from, to: mix.to, weight: mix.weight, meetsBudget: true)
        }
        let i = Int(policy.position[0])
        return ModelMixture(from: i, to: i, weight: 0, meetsBudget: true)
    }
}

/// A random mixture of at most two models: `to` with probability `weight`, else `from`.
public struct ModelMixture: Sendable, Equatable {
    public let from: Int
    public let to: Int
    public let weight: Double
    public let meetsBudget: Bool

    /// E[v(model)] under the mixture (exactly v(from) for one model).
    public func expectation(_ v: (Int) -> Double) -> Double {
        weight == 0 ? v(from) : (1 - weight) * v(from) + weight * v(to)
    }

    public var models: [Int] { weight == 0 ? [from] : [from, to] }
}

/// The exact budget frontier V(B) of one partition (METHODS §12.4–§12.5): per-type increasing
/// upper hulls, their segments merged by slope. Qualities are kept as counts and prices as
/// cost sums, so `π_t·Δq = ΔK/n`, `π_t·Δc = ΔS/n` and a slope `Δq/Δc = ΔK/ΔS`.
public struct RouteFrontier: Sendable {
    /// One hull segment of one type, moving it from model `from` to model `to`.
    struct Step: Sendable {
        var type: Int32
        var from: Int32
        var to: Int32
        var dK: Int
        var dS: Double
        var slope: Double
    }

    public let partition: RoutePartition
    public let n: Int
    public let typeNames: [String]
    /// Queries per type (n_t).
    public let typeSizes: [Int]
    /// Piece boundaries of V: budgets[0] = B_min, …, budgets[K] = B_max; values likewise;
    /// `slopes[k]` is V's slope on [budgets[k], budgets[k+1]] (strictly decreasing).
    public let budgets: [Double]
    public let values: [Double]
    public let slopes: [Double]
    /// Models best on every type (Lemma 1): empty iff routing by type can beat every single
    /// model; empty for the per-query partition, where the question is §1's oracle gain.
    public let uniformlyBest: [Int]
    /// Cheapest hull vertex of each type (h_{t,0}).
    let base: [Int32]
    /// Hull segments of every type in the canonical fill order (slope descending, then type, then hull order).
    let steps: [Step]
    /// Budget after the first j + 1 steps.
    let stepBudget: [Double]
    let baseCorrect: Int
    let modelCount: Int

    public var budgetMin: Double { budgets[0] }
    public var valueMin: Double { values[0] }
    public var oracleCost: Double { budgets[budgets.count - 1] }
    public var oracleValue: Double { values[values.count - 1] }
    public var vertexCount: Int { budgets.count }
    public var typeCount: Int { typeNames.count }

    /// Builds the frontier of `partition` (which must be computable: `type` needs types).
    public init(_ data: RouteData, partition: RoutePartition) throws {
        self.partition = partition
        n = data.n
        modelCount = data.m
        let m = data.m
        var steps: [Step] = []
        var base: [Int32] = []
        var baseCost = CompensatedSum()
        var baseCorrect = 0
        var uniformlyBest: [Int] = []
        switch partition {
        case .query:
            typeNames = data.matrix.queryIDs
            typeSizes = Array(repeating: 1, count: n)
            let w = data.matrix.words
            let e = data.matrix.errors
            var hulls = [QueryHull](repeating: QueryHull(), count: n)
            for q in 0..<n {
                let bit = UInt64(1) << UInt64(q & 63)
                for i in 0..<m {
                    hulls[q].add(model: i, cost: data.costs.values[i * n + q], right: e[i * w + q >> 6] & bit == 0)
                }
            }
            (base, baseCost, baseCorrect, steps) = RouteFrontier.querySteps(hulls)
        case .none, .type:
            let typeOf: [Int32]
            if partition == .type {
                guard let types = data.types else {
                    throw CoFailError.missingField(field: "type", neededBy: "the type partition")
                }
                typeNames = types.names
                typeOf = types.index
            } else {
                typeNames = ["all"]
                typeOf = Array(repeating: 0, count: n)
            }
            let t = typeNames.count
            var sizes = [Int](repeating: 0, count: t)
            for k in typeOf {
                sizes[Int(k)] += 1
            }
            typeSizes = sizes
            // K[t·m + i] correct answers and S[t·m + i] total cost of model i on type t.
            var kCount = [Int](repeating: 0, count: t * m)
            var sums = [CompensatedSum](repeating: CompensatedSum(), count: t * m)
            let w = data.matrix.words
            let e = data.matrix.errors
            for i in 0..<m {
                for q in 0..<n {
                    let k = Int(typeOf[q]) * m + i
                    if e[i * w + q >> 6] & (UInt64(1) << UInt64(q & 63)) == 0 {
                        kCount[k] += 1
                    }
                    sums[k].add(data.costs.values[i * n + q])
                }
            }
            var best = [Int](repeating: 0, count: t)
            for ty in 0..<t {
                let hull = RouteFrontier.hull(
                    counts: Array(kCount[ty * m..<(ty + 1) * m]), sums: (0..<m).map { sums[ty * m + $0].value })
                base.append(Int32(hull[0]))
                baseCost.add(sums[ty * m + hull[0]].value)
                baseCorrect += kCount[ty * m + hull[0]]
                best[ty] = kCount[ty * m + hull[hull.count - 1]]
                for j in 1..<hull.count {
                    let (a, b) = (ty * m + hull[j - 1], ty * m + hull[j])
                    let dK = kCount[b] - kCount[a]
                    let dS = sums[b].value - sums[a].value
                    steps.append(
                        Step(
                            type: Int32(ty), from: Int32(hull[j - 1]), to: Int32(hull[j]), dK: dK, dS: dS,
                            slope: Double(dK) / dS))
                }
            }
            uniformlyBest = (0..<m).filter { i in (0..<t).allSatisfy { kCount[$0 * m + i] == best[$0] } }
        }
        (budgets, values, slopes, stepBudget) = RouteFrontier.pieces(
            &steps, baseCost: baseCost, baseCorrect: baseCorrect, n: n)
        (self.steps, self.base, self.uniformlyBest, self.baseCorrect) = (steps, base, uniformlyBest, baseCorrect)
    }

    /// The per-query (`query` partition) frontier from each query's hull, e.g. kept up to date
    /// while models are added (the release timeline, METHODS §19).
    public init(queryHulls hulls: [QueryHull], ids: [String], models: Int) {
        partition = .query
        n = hulls.count
        modelCount = models
        typeNames = ids
        typeSizes = Array(repeating: 1, count: hulls.count)
        uniformlyBest = []
        var (base, baseCost, baseCorrect, steps) = RouteFrontier.querySteps(hulls)
        self.base = base
        self.baseCorrect = baseCorrect
        (budgets, values, slopes, stepBudget) = RouteFrontier.pieces(
            &steps, baseCost: baseCost, baseCorrect: baseCorrect, n: hulls.count)
        self.steps = steps
    }

    /// Each query's base (its cheapest model) and its one step to its cheapest right model.
    static func querySteps(
        _ hulls: [QueryHull]
    ) -> (base: [Int32], baseCost: CompensatedSum, baseCorrect: Int, steps: [Step]) {
        var base: [Int32] = []
        base.reserveCapacity(hulls.count)
        var baseCost = CompensatedSum()
        var baseCorrect = 0
        var steps: [Step] = []
        for (q, h) in hulls.enumerated() {
            base.append(Int32(h.cheap))
            baseCost.add(h.cheapCost)
            if h.cheapRight {
                baseCorrect += 1
            } else if h.right >= 0 {
                let dS = h.rightCost - h.cheapCost
                steps.append(
                    Step(type: Int32(q), from: Int32(h.cheap), to: Int32(h.right), dK: 1, dS: dS, slope: 1 / dS))
            }
        }
        return (base, baseCost, baseCorrect, steps)
    }

    /// Sorts the steps into the canonical fill order and walks them: V's pieces and each step's budget.
    static func pieces(
        _ steps: inout [Step], baseCost: CompensatedSum, baseCorrect: Int, n: Int
    ) -> (
        budgets: [Double], values: [Double], slopes: [Double], stepBudget: [Double]
    ) {
        // Within a type the hull's slopes already decrease, so a stable sort by slope keeps
        // type order, then hull order, among equal slopes.
        let order = steps.indices.sorted { a, b in
            steps[a].slope != steps[b].slope ? steps[a].slope > steps[b].slope : a < b
        }
        steps = order.map { steps[$0] }
        let nd = Double(n)
        var budget = baseCost
        var correct = baseCorrect
        var budgets = [baseCost.value / nd]
        var values = [Double(baseCorrect) / nd]
        var slopes: [Double] = []
        var stepBudget: [Double] = []
        stepBudget.reserveCapacity(steps.count)
        for (j, s) in steps.enumerated() {
            budget.add(s.dS)
            correct += s.dK
            stepBudget.append(budget.value / nd)
            let last = j + 1 == steps.count || steps[j + 1].slope != s.slope
            if last {
                slopes.append(s.slope)
                budgets.append(budget.value / nd)
                values.append(Double(correct) / nd)
            }
        }
        return (budgets, values, slopes, stepBudget)
    }

    /// The increasing upper concave hull of the points (S_i, K_i) (§12.4 step 1): indices of its
    /// vertices, cost and quality strictly increasing, slopes strictly decreasing.
    static func hull(counts: [Int], sums: [Double]) -> [Int] {
        let order = counts.indices.sorted { a, b in
            if sums[a] != sums[b] { return sums[a] < sums[b] }
            if counts[a] != counts[b] { return counts[a] > counts[b] }
            return a < b
        }
        var chain: [Int] = []
        for i in order {
            if let last = chain.last, counts[i] <= counts[last] {
                continue
            }
            // Remove the last vertex while it lies on or below the chord from its predecessor to i.
            while chain.count >= 2 {
                let a = chain[chain.count - 2]
                let b = chain[chain.count - 1]
                let lhs = Double(counts[b] - counts[a]) * (sums[i] - sums[a])
                let rhs = Double(counts[i] - counts[a]) * (sums[b] - sums[a])
                if lhs <= rhs {
                    chain.removeLast()
                } else {
                    break
                }
            }
            chain.append(i)
        }
        return chain
    }

    /// V(B); undefined below budget_min.
    public func value(at b: Double) -> Quantity {
        guard b >= budgetMin else {
            return .undefined("budget below budget_min: no feasible routing")
        }
        if b >= oracleCost {
            return .defined(oracleValue)
        }
        let k = piece(containing: b)
        return .defined(values[k] + slopes[k] * (b - budgets[k]))
    }

    /// Index k of the piece with budgets[k] ≤ b < budgets[k + 1] (b inside [B_min, B_max)).
    func piece(containing b: Double) -> Int {
        var lo = 0
        var hi = slopes.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if budgets[mid] <= b {
                lo = mid
            } else {
                hi = mid - 1
            }
        }
        return lo
    }

    /// The left and right derivatives of V at b, λ⁻ and λ⁺ (§12.5).
    public func shadowPrices(at b: Double) -> (left: Quantity, right: Quantity) {
        if b < budgetMin {
            let why = "budget below budget_min: no feasible routing"
            return (.undefined(why), .undefined(why))
        }
        if b > oracleCost {
            return (.defined(0), .defined(0))
        }
        let left: Quantity
        let right: Quantity
        if b == budgetMin {
            left = .undefined("no feasible budget below budget_min")
        } else if b == oracleCost {
            left = .defined(slopes.last ?? 0)
        } else {
            let k = piece(containing: b)
            left = .defined(b == budgets[k] && k > 0 ? slopes[k - 1] : slopes[k])
        }
        if b == oracleCost {
            right = .defined(0)
        } else {
            right = .defined(slopes[piece(containing: b)])
        }
        return (left, right)
    }

    /// min{B : V(B) ≥ target}; nil when the frontier never reaches it.
    public func budget(reaching target: Double) -> Double? {
        if valueMin >= target {
            return budgetMin
        }
        if oracleValue < target {
            return nil
        }
        for k in 0..<slopes.count where values[k + 1] >= target {
            if values[k + 1] == target {
                return budgets[k + 1]
            }
            return min(budgets[k + 1], budgets[k] + (target - values[k]) / slopes[k])
        }
        return oracleCost
    }

    /// Dollars per correct answer, minimised over the vertices (B/V is monotone on each piece).
    public var minCostPerCorrect: (value: Quantity, budget: Quantity) {
        var bestRatio: Double?
        var at = 0.0
        for k in budgets.indices where values[k] > 0 {
            let r = budgets[k] / values[k]
            if bestRatio == nil || r < bestRatio! {
                bestRatio = r
                at = budgets[k]
            }
        }
        guard let bestRatio else {
            let why = "the frontier is never correct"
            return (.undefined(why), .undefined(why))
        }
        return (.defined(bestRatio), .defined(at))
    }

    /// The canonical optimal policy at budget b (§12.5): every type at a hull vertex, except at
    /// most one mixing the two endpoints of its segment.
    public func policy(at b: Double) -> RoutePolicy? {
        guard b >= budgetMin else {
            return nil
        }
        var position = base
        var full = 0
        while full < steps.count, stepBudget[full] <= b {
            position[Int(steps[full].type)] = steps[full].to
            full += 1
        }
        var mix: (type: Int, from: Int, to: Int, weight: Double)?
        if full < steps.count {
            let s = steps[full]
            let start = full == 0 ? budgetMin : stepBudget[full - 1]
            let f = (b - start) / (stepBudget[full] - start)
            if f > 0 {
                mix = (Int(s.type), Int(s.from), Int(s.to), min(f, 1))
            }
        }
        return RoutePolicy(
            budget: b, position: position, mix: mix, typeSizes: typeSizes, n: n, models: modelCount)
    }
}

/// A routing policy: each type's distribution over models (§12.5).
public struct RoutePolicy: Sendable {
    public let budget: Double
    /// Model of each type (the `from` model of the mixing type).
    public let position: [Int32]
    /// The one type that mixes two models, with the weight on `to`.
    public let mix: (type: Int, from: Int, to: Int, weight: Double)?
    public let typeSizes: [Int]
    public let n: Int
    public let models: Int

    /// Weight of each model per type, as (type, model, weight) rows, types in order.
    public var routes: [(type: Int, model: Int, weight: Double)] {
        var rows: [(Int, Int, Double)] = []
        rows.reserveCapacity(position.count + 1)
        for (t, i) in position.enumerated() {
            if let mix, mix.type == t {
                rows.append((t, mix.from, 1 - mix.weight))
                rows.append((t, mix.to, mix.weight))
            } else {
                rows.append((t, Int(i), 1))
            }
        }
        return rows
    }

    /// Share of queries sent to each model, Σ_t π_t x_tm.
    public var shareByModel: [Double] {
        var share = [CompensatedSum](repeating: CompensatedSum(), count: models)
        for r in routes {
            share[r.model].add(r.weight * Double(typeSizes[r.type]) / Double(n))
        }
        return share.map(\.value)
    }

    public var fractionalTypes: Int { mix == nil ? 0 : 1 }
}

/// One query's increasing cost–quality hull under binary quality (METHODS §12.4): its cheapest
/// model (among equally cheap ones a right one, else the first added) and its cheapest right model.
public struct QueryHull: Sendable {
    var cheap = -1
    var cheapCost = 0.0
    var cheapRight = false
    var right = -1
    var rightCost = 0.0

    public init() {}

    /// Adds model `i`, of cost `c` on this query, right or wrong.
    public mutating func add(model i: Int, cost c: Double, right ok: Bool) {
        if cheap < 0 || c < cheapCost || (c == cheapCost && ok && !cheapRight) {
            cheap = i
            cheapCost = c
            cheapRight = ok
        }
        if ok && (right < 0 || c < rightCost) {
            right = i
            rightCost = c
        }
    }
}
