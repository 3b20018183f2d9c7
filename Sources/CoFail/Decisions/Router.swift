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

/// The realisable type router (`--folds k`, METHODS §17.3 item 5): on each fold's training
/// queries, the §12 type frontier's canonical policy at the policy budget (without one: at that
/// frontier's oracle cost), the one mixing type rounded to its cheaper model; held-out queries go
/// to their type's model, a type unseen in training to the training single best. `decide`'s
/// `route_type` is the same rule.
public struct TypeRouter: Sendable {
    public struct Fold: Sendable {
        public let testQueries: Int
        public let unseenTypeQueries: Int
        /// Mean $ per query of the fold's policy on its training queries.
        public let trainCost: Double
        public let budgetMet: Bool
        public let evaluation: RouterEvaluation
    }

    public let folds: Int
    public let seed: UInt64
    public let policyBudget: Double?
    public let foldAssignment: [Int]
    public let perFold: [Fold]
    public let routes: [Int]
    public let pooled: RouterEvaluation

    public init(
        _ data: RouteData, policyBudget: Double?, folds k: Int, seed: UInt64, frontiers: [RouteFrontier]
    ) throws {
        guard let types = data.types else {
            throw CoFailError.missingField(field: "type", neededBy: "the type router")
        }
        guard k >= 2, k <= data.n else {
            throw CoFailError.invalidParameter(
                name: "folds", value: String(k), requirement: "lie in 2...\(data.n) (the number of kept queries)")
        }
        folds = k
        self.seed = seed
        self.policyBudget = policyBudget
        let fold = HeldOutFolds.assign(data.matrix.queryIDs, folds: k, seed: seed)
        foldAssignment = fold
        let n = data.n
        let y = LearnedRouters.correctness(data.matrix)
        let typeFrontier = frontiers.filter { $0.partition == .type }
        var routes = [Int](repeating: 0, count: n)
        var perFold: [Fold] = []
        for f in 0..<k {
            let train = (0..<n).filter { fold[$0] != f }
            let test = (0..<n).filter { fold[$0] == f }
            let t = try LearnedRouters.typeRouter(
                data, try data.subset(train), y: y, train: train, budget: policyBudget)
            var unseen = 0
            for q in test {
                routes[q] = t.route(q)
                if t.modelOfType[types.names[Int(types.index[q])]] == nil {
                    unseen += 1
                }
            }
            perFold.append(
                Fold(
                    testQueries: test.count, unseenTypeQueries: unseen, trainCost: t.trainCost, budgetMet: t.met,
                    evaluation: RouterEvaluation(data, routes: routes, frontiers: typeFrontier, subset: test)))
        }
        self.perFold = perFold
        self.routes = routes
        pooled = RouterEvaluation(data, routes: routes, frontiers: frontiers)
    }
}
