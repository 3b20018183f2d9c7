/// A router's evaluation against the oracle gain and the frontiers (METHODS §14.2).
public struct RouterEvaluation: Sendable {
    public let queries: Int
    public let accuracy: Double
    public let cost: Double
    /// Best single-model accuracy A* on the evaluated queries, and the oracle accuracy 1 − β.
    public let bestAccuracy: Double
    public let oracleAccuracy: Double
    public let shareRoutedToBest: Double
    /// V_P(router cost) per partition.
    public let frontierValues: [(partition: RoutePartition, value: Quantity)]

    public var gain: Double { accuracy - bestAccuracy }
    public var oracleGain: Double { oracleAccuracy - bestAccuracy }
    public var capturedShare: Quantity {
        oracleGain > 0 ? .defined(gain / oracleGain) : .undefined("oracle gain G = 0: no model pool gain to capture")
    }

    /// Evaluates `routes` (a model per query) on the queries `subset` (default: all).
    public init(_ data: RouteData, routes: [Int], frontiers: [RouteFrontier], subset: [Int]? = nil) {
        let qs = subset ?? Array(0..<data.n)
        let m = data.m
        let w = data.matrix.words
        let e = data.matrix.errors
        func right(_ q: Int, _ i: Int) -> Bool { e[i * w + q >> 6] & (UInt64(1) << UInt64(q & 63)) == 0 }
        var correct = 0
        var anyRight = 0
        var cost = CompensatedSum()
        var modelCorrect = [Int](repeating: 0, count: m)
        for q in qs {
            let r = routes[q]
            if right(q, r) {
                correct += 1
            }
            cost.add(data.costs.cost(query: q, model: r))
            var any = false
            for i in 0..<m where right(q, i) {
                modelCorrect[i] += 1
                any = true
            }
            if any {
                anyRight += 1
            }
        }
        let nq = Double(qs.count)
        queries = qs.count
        accuracy = Double(correct) / nq
        self.cost = cost.value / nq
        let top = modelCorrect.max() ?? 0
        bestAccuracy = Double(top) / nq
        oracleAccuracy = Double(anyRight) / nq
        var toBest = 0
        for q in qs where modelCorrect[routes[q]] == top {
            toBest += 1
        }
        shareRoutedToBest = Double(toBest) / nq
        let c = cost.value / nq
        frontierValues = frontiers.map { ($0.partition, $0.value(at: c)) }
    }

    /// V_P(router cost) − router accuracy per partition.
    public var frontierRegrets: [(partition: RoutePartition, value: Quantity)] {
        frontierValues.map { p in (p.partition, p.value.value.map { .defined($0 - accuracy) } ?? p.value) }
    }

    /// Reads a router's choices: CSV `query,model`, one route per kept query. Unknown models or
    /// queries, duplicate and missing routes are errors; routes of dropped queries are counted.
    public static func loadRoutes(
        _ path: String, data: RouteData, inputQueries: [String]
    ) throws -> (routes: [Int], ignored: Int) {
        var table = try SideTable(path, empty: "routes are empty")
        let (input, headerLine, header) = (table.input, table.headerLine, table.header)
        guard let qc = header.firstIndex(of: "query"), let mc = header.firstIndex(of: "model") else {
            throw CoFailError.data(
                InputLocation(file: input.name, line: headerLine), value: header.joined(separator: ","),
                message: "the routes header needs the columns query and model")
        }
        var kept: [String: Int] = [:]
        for (q, id) in data.matrix.queryIDs.enumerated() {
            kept[id] = q
        }
        let known = Set(inputQueries)
        var model: [String: Int] = [:]
        for (i, name) in data.matrix.modelNames.enumerated() {
            model[name] = i
        }
        var routes = [Int](repeating: -1, count: data.n)
        var line = [Int](repeating: 0, count: data.n)
        var ignored = 0
        while let (l, values) = try table.next() {
            let id = values[qc]
            let name = values[mc]
            guard let q = kept[id] else {
                if known.contains(id) {
                    ignored += 1
                    continue
                }
                throw CoFailError.data(
                    InputLocation(file: input.name, line: l, column: qc + 1, columnName: "query"), value: id,
                    message: "query is not in the matrix")
            }
            guard let i = model[name] else {
                throw CoFailError.data(
                    InputLocation(file: input.name, line: l, column: mc + 1, columnName: "model"), value: name,
                    message: "model is not in the routing pool")
            }
            if routes[q] >= 0 {
                throw CoFailError.data(
                    InputLocation(file: input.name, line: l, column: qc + 1, columnName: "query"), value: id,
                    message: "duplicate route (first on line \(line[q]))")
            }
            routes[q] = i
            line[q] = l
        }
        if let q = routes.firstIndex(of: -1) {
            let missing = routes.filter { $0 < 0 }.count
            throw CoFailError.data(
                InputLocation(file: input.name), value: data.matrix.queryIDs[q],
                message: "no route for this kept query (\(missing) kept queries have none)")
        }
        return (routes, ignored)
    }
}

/// The realisable type router (`--folds k`): routes each held-out query by the bang-per-buck
/// rule `argmax_m (q_tm − λ·c_tm)` with q, c estimated on the other folds and λ the full-sample
/// type frontier's shadow price at the policy budget; a type unseen in training goes to the
/// model maximising `A_m − λ·C_m` there.
public struct TypeRouter: Sendable {
    public struct Fold: Sendable {
        public let testQueries: Int
        public let unseenTypeQueries: Int
        public let evaluation: RouterEvaluation
    }

    public let folds: Int
    public let seed: UInt64
    public let lambda: Double
    public let lambdaSource: String
    public let policyBudget: Double
    public let foldAssignment: [Int]
    public let perFold: [Fold]
    public let routes: [Int]
    public let pooled: RouterEvaluation

    public init(
        _ data: RouteData, typeFrontier: RouteFrontier, policyBudget: Double, folds k: Int, seed: UInt64,
        frontiers: [RouteFrontier]
    ) throws {
        guard let types = data.types else {
            throw CoFailError.missingField(field: "type", neededBy: "the type router")
        }
        guard k >= 2, k <= data.n else {
            throw CoFailError.invalidParameter(
                name: "folds", value: String(k), requirement: "lie in 2...\(data.n) (the number of kept queries)")
        }
        let prices = typeFrontier.shadowPrices(at: policyBudget)
        let price: Double
        if let l = prices.left.value {
            price = l
            lambdaSource = "shadow_price_left"
        } else if let r = prices.right.value {
            price = r
            lambdaSource = "shadow_price_right (the policy budget is budget_min)"
        } else {
            throw CoFailError.invalidParameter(
                name: "policy_budget", value: String(policyBudget), requirement: "be at least the type budget_min")
        }
        lambda = price
        folds = k
        self.seed = seed
        self.policyBudget = policyBudget
        let fold = HeldOutFolds.assign(data.matrix.queryIDs, folds: k, seed: seed)
        foldAssignment = fold
        let n = data.n
        let m = data.m
        let t = types.names.count
        let w = data.matrix.words
        let e = data.matrix.errors
        var routes = [Int](repeating: 0, count: n)
        var perFold: [Fold] = []
        for f in 0..<k {
            var kc = [Int](repeating: 0, count: t * m)
            var sc = [CompensatedSum](repeating: CompensatedSum(), count: t * m)
            var size = [Int](repeating: 0, count: t)
            for q in 0..<n where fold[q] != f {
                let ty = Int(types.index[q])
                size[ty] += 1
                for i in 0..<m {
                    if e[i * w + q >> 6] & (UInt64(1) << UInt64(q & 63)) == 0 {
                        kc[ty * m + i] += 1
                    }
                    sc[ty * m + i].add(data.costs.cost(query: q, model: i))
                }
            }
            // Score (K − λS)/size per model; ties: lower cost, then input order.
            func choose(_ count: (Int) -> Int, _ sum: (Int) -> Double, _ size: Int) -> Int {
                var best = 0
                var bestScore = -Double.infinity
                var bestCost = Double.infinity
                for i in 0..<m {
                    let c = sum(i) / Double(size)
                    let score = Double(count(i)) / Double(size) - price * c
                    if score > bestScore || (score == bestScore && c < bestCost) {
                        best = i
                        bestScore = score
                        bestCost = c
                    }
                }
                return best
            }
            let trainSize = size.reduce(0, +)
            let fallback = choose(
                { i in (0..<t).reduce(0) { $0 + kc[$1 * m + i] } },
                { i in (0..<t).reduce(0.0) { $0 + sc[$1 * m + i].value } }, trainSize)
            var choice = [Int](repeating: -1, count: t)
            for ty in 0..<t where size[ty] > 0 {
                choice[ty] = choose({ kc[ty * m + $0] }, { sc[ty * m + $0].value }, size[ty])
            }
            var test: [Int] = []
            var unseen = 0
            for q in 0..<n where fold[q] == f {
                let ty = Int(types.index[q])
                if choice[ty] >= 0 {
                    routes[q] = choice[ty]
                } else {
                    routes[q] = fallback
                    unseen += 1
                }
                test.append(q)
            }
            perFold.append(
                Fold(
                    testQueries: test.count, unseenTypeQueries: unseen,
                    evaluation: RouterEvaluation(data, routes: routes, frontiers: [typeFrontier], subset: test)))
        }
        self.perFold = perFold
        self.routes = routes
        pooled = RouterEvaluation(data, routes: routes, frontiers: frontiers)
    }
}
