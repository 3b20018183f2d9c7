import Foundation

/// A complete outcome matrix after the coverage policy: n queries x m models, no missing
/// cells. Error indicators are bit-packed per model (`words` 64-bit words per column, bit q of
/// column i set when model i erred on query q; padding bits are 0), the layout of the C
/// kernels in `cf_tables.h`.
public struct OutcomeMatrix: Sendable {
    public let modelNames: [String]
    public let queryIDs: [String]
    /// Family per model (registry first, then the records' family field), nil if unknown.
    public let families: [String?]
    public let errors: [UInt64]
    public var n: Int { queryIDs.count }
    public var m: Int { modelNames.count }
    public var words: Int { (queryIDs.count + 63) / 64 }

    public init(modelNames: [String], queryIDs: [String], families: [String?], errors: [UInt64]) {
        precondition(errors.count == modelNames.count * ((queryIDs.count + 63) / 64))
        self.modelNames = modelNames
        self.queryIDs = queryIDs
        self.families = families
        self.errors = errors
    }

    /// Builds a matrix from per-query rows of correctness (tests, simulation).
    public init(modelNames: [String], correct rows: [[Bool]], queryIDs: [String]? = nil, families: [String?]? = nil) {
        let n = rows.count
        let m = modelNames.count
        let w = (n + 63) / 64
        var e = [UInt64](repeating: 0, count: m * w)
        for (q, row) in rows.enumerated() {
            precondition(row.count == m)
            for i in 0..<m where !row[i] { e[i * w + q >> 6] |= 1 << UInt64(q & 63) }
        }
        self.init(
            modelNames: modelNames, queryIDs: queryIDs ?? (0..<n).map(String.init),
            families: families ?? Array(repeating: nil, count: m), errors: e)
    }

    /// The matrix of the queries `order` (any indices in 0..<n, a permutation reorders): query r of
    /// the result is query order[r] of this one.
    public func selecting(_ order: [Int]) -> OutcomeMatrix {
        let w = words
        let wr = (order.count + 63) / 64
        var e = [UInt64](repeating: 0, count: m * wr)
        for i in 0..<m {
            let base = i * w
            for (r, q) in order.enumerated() where errors[base + q >> 6] & (1 << UInt64(q & 63)) != 0 {
                e[i * wr + r >> 6] |= 1 << UInt64(r & 63)
            }
        }
        return OutcomeMatrix(
            modelNames: modelNames, queryIDs: order.map { queryIDs[$0] }, families: families, errors: e)
    }

    /// Whether model i erred on query q.
    public func isError(query q: Int, model i: Int) -> Bool {
        errors[i * words + q >> 6] & (1 << UInt64(q & 63)) != 0
    }
}

/// Coverage policy of METHODS §0.
public enum CoveragePolicy: Sendable, Equatable {
    /// Keep only queries answered by every model.
    case complete
    /// Drop models answering fewer than this fraction of queries, then keep complete queries.
    case minModelCoverage(Double)

    public var name: String {
        switch self {
        case .complete: return "complete"
        case .minModelCoverage: return "min-model-coverage"
        }
    }
}

/// What the coverage filter removed (every removal is listed).
public struct CoverageReport: Sendable {
    public struct DroppedModel: Sendable {
        public var name: String
        public var answered: Int
        public var coverage: Double
    }
    public var policy: CoveragePolicy
    public var queriesIn: Int
    public var modelsIn: Int
    public var missingCells: Int
    public var droppedModels: [DroppedModel]
    public var droppedQueries: [String]
    /// Registry entries naming no model of the matrix, and matrix models missing from it.
    public var registryUnused: [String]
    public var registryMissing: [String]
    public var ignoredColumns: [String]
    /// Input indices of the kept queries and models, in matrix order.
    public var keptQueries: [Int]
    public var keptModels: [Int]
}

extension RawMatrix {
    /// Applies the coverage policy (METHODS §0) and the registry's families to `models` (input
    /// indices; default every model): a command applies it to the models it selects (§0′).
    public func applyCoverage(
        _ policy: CoveragePolicy, registry: ModelRegistry? = nil, models: [Int]? = nil
    ) throws -> (OutcomeMatrix, CoverageReport) {
        let selected = models ?? Array(0..<modelCount)
        var keep = selected
        var dropped: [CoverageReport.DroppedModel] = []
        if case .minModelCoverage(let c) = policy {
            keep = []
            for i in selected {
                let a = answeredCount(i)
                let cov = Double(a) / Double(queryCount)
                if cov < c {
                    dropped.append(.init(name: modelNames[i], answered: a, coverage: cov))
                } else {
                    keep.append(i)
                }
            }
            if keep.isEmpty {
                let highest = String(format: "%.4f", dropped.map(\.coverage).max() ?? 0)
                let why = "keep at least one model of \(source) (the highest coverage is \(highest))"
                throw CoFailError.invalid("min_model_coverage", c, why)
            }
        }
        let w = words
        var mask = [UInt64](repeating: ~0, count: w)
        if queryCount % 64 != 0 { mask[w - 1] = (1 << UInt64(queryCount % 64)) - 1 }
        for i in keep { for k in 0..<w { mask[k] &= answered[i][k] } }
        var kept: [Int] = []
        var droppedQ: [String] = []
        kept.reserveCapacity(queryCount)
        for q in 0..<queryCount {
            if mask[q >> 6] & (1 << UInt64(q & 63)) != 0 { kept.append(q) } else { droppedQ.append(queryIDs[q]) }
        }
        if kept.isEmpty {
            let sparsest = keep.min { answeredCount($0) < answeredCount($1) } ?? 0
            let name = modelNames[sparsest]
            throw CoFailError.data(
                InputLocation(file: source, columnName: name), value: name,
                message: "no query is answered by every selected model (the sparsest, '\(name)', "
                    + "answers \(answeredCount(sparsest)) of \(queryCount)); "
                    + "a minimum model coverage drops sparse models first")
        }
        let nw = (kept.count + 63) / 64
        var errors = [UInt64](repeating: 0, count: keep.count * nw)
        for (c, i) in keep.enumerated() {
            let cor = correct[i]
            if kept.count == queryCount {
                // every query kept: a column's error words are its correct words inverted
                for k in 0..<nw {
                    errors[c * nw + k] = ~cor[k] & mask[k]
                }
                continue
            }
            for (newQ, q) in kept.enumerated() where cor[q >> 6] & (1 << UInt64(q & 63)) == 0 {
                errors[c * nw + newQ >> 6] |= 1 << UInt64(newQ & 63)
            }
        }
        var fams = keep.map { families[$0] }
        var unused: [String] = []
        var missing: [String] = []
        if let registry {
            let names = Set(keep.map { modelNames[$0] })
            unused = registry.entries.keys.filter { !names.contains($0) }.sorted()
            for (c, i) in keep.enumerated() {
                if let e = registry.entries[modelNames[i]] {
                    fams[c] = e.family
                } else if fams[c] == nil {
                    missing.append(modelNames[i])
                }
            }
        }
        let matrix = OutcomeMatrix(
            modelNames: keep.map { modelNames[$0] }, queryIDs: kept.map { queryIDs[$0] }, families: fams, errors: errors
        )
        let report = CoverageReport(
            policy: policy, queriesIn: queryCount, modelsIn: modelCount, missingCells: missingCells,
            droppedModels: dropped, droppedQueries: droppedQ, registryUnused: unused,
            registryMissing: missing, ignoredColumns: ignoredColumns, keptQueries: kept, keptModels: keep)
        return (matrix, report)
    }
}
