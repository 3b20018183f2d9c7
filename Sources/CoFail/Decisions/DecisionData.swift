/// Constant per-query costs per model for inputs without a cost field (`--model-costs FILE`,
/// CSV `model,cost`; METHODS §0′).
public struct ModelCosts: Sendable {
    public var source: String
    public var costs: [String: Double]

    public init(source: String, costs: [String: Double]) {
        self.source = source
        self.costs = costs
    }

    public static func load(_ path: String) throws -> ModelCosts {
        var table = try SideTable(path, empty: "model costs are empty")
        let (input, headerLine, header) = (table.input, table.headerLine, table.header)
        guard header == ["model", "cost"] else {
            throw CoFailError.data(
                InputLocation(file: input.name, line: headerLine), value: header.joined(separator: ","),
                message: "the model-cost header must be exactly model,cost")
        }
        var costs: [String: Double] = [:]
        while let (line, values) = try table.next() {
            let model = values[0]
            let text = values[1].trimmingCharacters(in: .whitespaces)
            if model.isEmpty {
                throw CoFailError.data(
                    InputLocation(file: input.name, line: line, column: 1, columnName: "model"), value: model,
                    message: "empty model name")
            }
            if costs[model] != nil {
                throw CoFailError.data(
                    InputLocation(file: input.name, line: line, column: 1, columnName: "model"), value: model,
                    message: "model listed twice")
            }
            guard let v = Double(text), v.isFinite, v >= 0 else {
                throw CoFailError.data(
                    InputLocation(file: input.name, line: line, column: 2, columnName: "cost"), value: text,
                    message: "cost must be a non-negative number of dollars per query")
            }
            costs[model] = v
        }
        if costs.isEmpty {
            throw CoFailError.data(
                InputLocation(file: input.name, line: headerLine), value: nil, message: "header only: no model costs")
        }
        return ModelCosts(source: input.name, costs: costs)
    }
}

/// The costs of the kept cells, model-major (`values[i·n + q]`), dollars per call.
public struct CellCosts: Sendable {
    public let n: Int
    public let m: Int
    public let values: [Double]

    public init(n: Int, m: Int, values: [Double]) {
        precondition(values.count == n * m)
        self.n = n
        self.m = m
        self.values = values
    }

    @inline(__always)
    public func cost(query q: Int, model i: Int) -> Double {
        values[i * n + q]
    }

    /// The range of costs whose arithmetic stays finite: route and cascade add, average, difference
    /// and divide costs and multiply them by shadow prices (up to 1/(ε·smallest cost)). A cost is 0
    /// or at least `minPositive`, and the costs of all kept cells sum to at most `maxTotal`.
    public static let minPositive = 1e-100
    public static let maxTotal = 1e100

    /// The costs, once checked against `minPositive` and `maxTotal`.
    /// - Throws: `CoFailError.data` naming the offending cost (its query and model) otherwise.
    static func checked(
        n: Int, m: Int, values: [Double], source: String, queryName: (Int) -> String, modelName: (Int) -> String
    ) throws -> CellCosts {
        func cell(_ k: Int) -> String {
            "query \(queryName(k % n)), model \(modelName(k / n)), cost \(values[k])"
        }
        let unit = "express the costs in another unit"
        var sum = CompensatedSum()
        var largest = 0
        for (k, v) in values.enumerated() {
            if v > 0 && v < CellCosts.minPositive {
                throw CoFailError.data(
                    InputLocation(file: source, columnName: "cost"), value: cell(k),
                    message: "a cost between 0 and \(CellCosts.minPositive) makes cost differences and shadow "
                        + "prices overflow double precision; \(unit)")
            }
            sum.add(v)
            if v > values[largest] {
                largest = k
            }
        }
        // costs are non-negative: a sum within the bound (not inf, not NaN) bounds every cost too
        guard sum.value <= CellCosts.maxTotal else {
            throw CoFailError.data(
                InputLocation(file: source, columnName: "cost"), value: cell(largest),
                message: "the kept cells' costs sum to more than \(CellCosts.maxTotal) (largest shown): sums, means "
                    + "and shadow-price products of such costs overflow double precision; \(unit)")
        }
        return CellCosts(n: n, m: m, values: values)
    }

    /// Sum of model i's costs over the kept queries (compensated).
    public func total(model i: Int) -> Double {
        var s = CompensatedSum()
        for q in 0..<n {
            s.add(values[i * n + q])
        }
        return s.value
    }

    /// The kept cells' costs: from the records' cost field, or from constant per-model costs.
    /// Nil when the input has neither. Costs are never imputed: a kept cell without one is an
    /// error naming query and model; a cost field together with model costs is ambiguous.
    public static func select(
        _ raw: RawMatrix, _ coverage: CoverageReport, modelCosts: ModelCosts?
    ) throws -> CellCosts? {
        let n = coverage.keptQueries.count
        let m = coverage.keptModels.count
        if let modelCosts {
            if raw.costs != nil {
                throw CoFailError.conflict(
                    "\(raw.source) has a cost field and model costs were given (\(modelCosts.source)): "
                        + "use one source of costs")
            }
            var values = [Double](repeating: 0, count: n * m)
            for (c, i) in coverage.keptModels.enumerated() {
                let name = raw.modelNames[i]
                guard let v = modelCosts.costs[name] else {
                    throw CoFailError.data(
                        InputLocation(file: modelCosts.source, columnName: "model"), value: name,
                        message: "no cost for this model of \(raw.source) (costs are never imputed)")
                }
                for q in 0..<n {
                    values[c * n + q] = v
                }
            }
            return try CellCosts.checked(
                n: n, m: m, values: values, source: modelCosts.source,
                queryName: { raw.queryIDs[coverage.keptQueries[$0]] },
                modelName: { raw.modelNames[coverage.keptModels[$0]] })
        }
        guard let costs = raw.costs else {
            return nil
        }
        var values = [Double](repeating: 0, count: n * m)
        for (c, i) in coverage.keptModels.enumerated() {
            let col = costs[i]
            for (newQ, q) in coverage.keptQueries.enumerated() {
                let v = col[q]
                if v.isNaN {
                    throw CoFailError.data(
                        InputLocation(file: raw.source, columnName: "cost"),
                        value: "query \(raw.queryIDs[q]), model \(raw.modelNames[i])",
                        message: "a kept cell has no cost (costs are never imputed)")
                }
                values[c * n + newQ] = v
            }
        }
        return try CellCosts.checked(
            n: n, m: m, values: values, source: raw.source,
            queryName: { raw.queryIDs[coverage.keptQueries[$0]] },
            modelName: { raw.modelNames[coverage.keptModels[$0]] })
    }
}

/// A partition of the kept queries into types, numbered by first appearance in the input.
public struct QueryTypes: Sendable {
    public let names: [String]
    /// Type index of each kept query.
    public let index: [Int32]

    public init(names: [String], index: [Int32]) {
        self.names = names
        self.index = index
    }

    /// The kept queries' types; nil when the input has no type field.
    public static func select(_ raw: RawMatrix, _ coverage: CoverageReport) -> QueryTypes? {
        guard let types = raw.queryTypes else {
            return nil
        }
        var number: [String: Int32] = [:]
        var names: [String] = []
        var index: [Int32] = []
        index.reserveCapacity(coverage.keptQueries.count)
        for q in coverage.keptQueries {
            let t = types[q]
            if let k = number[t] {
                index.append(k)
            } else {
                let k = Int32(names.count)
                number[t] = k
                names.append(t)
                index.append(k)
            }
        }
        return QueryTypes(names: names, index: index)
    }
}

/// The portable held-out split of METHODS §13.7: `key(q) = SplitMix64(FNV-1a-64(id) XOR seed)`,
/// queries sorted by (key, UTF-8 bytes of id), fold = rank mod k. Independent of input order.
public enum HeldOutFolds {
    /// Fold of each id (0..<k).
    public static func assign(_ ids: [String], folds k: Int, seed: UInt64) -> [Int] {
        var fold = [Int](repeating: 0, count: ids.count)
        for (rank, q) in order(ids, seed: seed).enumerated() {
            fold[q] = rank % k
        }
        return fold
    }

    /// The ids' positions sorted by (key, UTF-8 bytes of id): the seeded order of §13.7, also the
    /// graded order of `certify --sequential --shuffle` (§15.3).
    public static func order(_ ids: [String], seed: UInt64) -> [Int] {
        let keys = ids.map { Hashing.foldKey($0, seed: seed) }
        return ids.indices.sorted { a, b in
            keys[a] != keys[b] ? keys[a] < keys[b] : ids[a].utf8.lexicographicallyPrecedes(ids[b].utf8)
        }
    }
}
