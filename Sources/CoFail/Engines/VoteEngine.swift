import Foundation

/// Which mean pairwise correlation a vote regression uses (METHODS §11.4).
public enum VoteCorrelation: String, Sendable, CaseIterable {
    case phi
    case tetrachoric
}

/// The regression's control (METHODS §11.4): the accuracy headroom h(S), or none.
public enum VoteControl: String, Sendable, CaseIterable {
    case headroom
    case none
}

/// Options of `cofail vote` (METHODS §11.2).
public struct VoteOptions: Sendable {
    /// k, odd, 3 ≤ k ≤ m.
    public var size = 3
    public var control = VoteControl.headroom
    public var correlations: [VoteCorrelation] = [.phi, .tetrachoric]
    /// Naive query-bootstrap replicates (0: none).
    public var replicates = 1000
    public var alpha = 0.05
    /// Enumerate all C(m, k) subsets up to this many; sample beyond.
    public var maxSubsets = 1_000_000
    /// Sample this many distinct subsets even when all could be enumerated.
    public var subsets: Int?
    public var seed: UInt64 = 1
    /// Zero-cell correction of the tetrachoric fits (METHODS §2).
    public var correction = true
    /// Checked while subsets are drawn (before any unit runs): a cancelled draw throws `interrupted`.
    public var cancellation: CancellationToken?

    public init() {}
}

/// The pool a vote analysis runs on: the coverage-filtered matrix restricted to the selected
/// models (METHODS §11.2: `--models`, then the accuracy band, without re-filtering queries).
public struct VotePool: Sendable {
    public var matrix: OutcomeMatrix
    /// Models outside the accuracy band, with their accuracy.
    public var outsideBand: [(name: String, accuracy: Double)]

    /// - Throws: `CoFailError.invalidParameter` for an unknown model name or an empty band.
    public init(_ x: OutcomeMatrix, models: [String]? = nil, accuracyBand: ClosedRange<Double>? = nil) throws {
        var keep = Array(0..<x.m)
        if let models {
            keep = try NameIndex.positions(of: models, in: x.modelNames, parameter: "models")
        }
        var outside: [(String, Double)] = []
        if let band = accuracyBand {
            keep = keep.filter { i in
                let a = 1 - Double(x.errorCount(i)) / Double(x.n)
                if band.contains(a) {
                    return true
                }
                outside.append((x.modelNames[i], a))
                return false
            }
            if keep.isEmpty {
                throw CoFailError.invalid(
                    "accuracy_band", "\(band.lowerBound):\(band.upperBound)",
                    "keep at least one model")
            }
        }
        var errors: [UInt64] = []
        errors.reserveCapacity(keep.count * x.words)
        for i in keep {
            errors.append(contentsOf: x.errors[i * x.words..<(i + 1) * x.words])
        }
        matrix = OutcomeMatrix(
            modelNames: keep.map { x.modelNames[$0] }, queryIDs: x.queryIDs,
            families: keep.map { x.families[$0] }, errors: errors)
        outsideBand = outside
    }
}

/// Majority voting over every model subset of one size (METHODS §11), and its naive query
/// bootstrap: each subset is a unit of the engine (threads, checkpoints, shards, merge) whose
/// values are its vote counts, evaluated on the pool's one query set; after them each bootstrap
/// replicate is a unit whose values are its refit (the mean gain, then every regression's
/// coefficients, NaN where undefined). A row is as wide as the wider of the two.
public struct VoteEngine: Sendable {
    /// The values of a subset unit.
    public static let countColumns = ["vote_correct", "correct_ge2", "correct_eq1", "correct_any"]

    public let matrix: OutcomeMatrix
    public let options: VoteOptions
    public let k: Int
    /// C(m, k) (as a double: it can exceed Int for large pools).
    public let subsetsTotal: Double
    /// "all" or "sampled".
    public let enumeration: String
    /// Number of subsets: units 0 ..< subsetCount.
    public let subsetCount: Int
    /// Subsets, then bootstrap replicates.
    public var units: Int { subsetCount + options.replicates }
    /// The names of a unit's values: the counts, then the replicate values beyond them.
    public let columns: [String]
    /// The full sample's tetrachoric roots, from which replicates start (nil without replicates).
    let warm: TetrachoricWarmStart?
    /// Correctness bits: column i set where model i is right (padding bits zero).
    let correct: [UInt64]
    /// The matrix query by query: what each query-bootstrap replicate gathers from.
    let rows: BitTables.Rows
    /// Members of the sampled subsets (k per unit), or nil when all are enumerated.
    let sampled: [Int]?
    /// Lexicographic ranking of the k-subsets (of no items when the subsets are sampled). Not an
    /// optional: unwrapping one per unit retains its table, and threads contend on that count.
    let ranking: Subsets.Ranking

    /// Column i set where model i of `x` is right: the complement of its errors, padding zero.
    static func correctBits(_ x: OutcomeMatrix) -> [UInt64] {
        var bits = [UInt64](repeating: 0, count: x.m * x.words)
        let tail = x.n % 64
        for i in 0..<x.m {
            for w in 0..<x.words {
                var v = ~x.errors[i * x.words + w]
                if w == x.words - 1 && tail != 0 {
                    v &= (UInt64(1) << UInt64(tail)) - 1
                }
                bits[i * x.words + w] = v
            }
        }
        return bits
    }

    /// - Throws: `CoFailError.invalidParameter` for an even size, a size outside 3...m, a
    ///   sample larger than the number of subsets.
    public init(_ pool: VotePool, options: VoteOptions) throws {
        let x = pool.matrix
        let m = x.m
        let k = options.size
        guard k % 2 == 1, k >= 3 else {
            throw CoFailError.invalid("size", k, "be odd and at least 3 (a strict majority needs an odd size)")
        }
        guard k <= m else {
            throw CoFailError.invalid("size", k, "be at most the pool's \(m) models")
        }
        guard k <= 4096 else {
            throw CoFailError.invalid("size", k, "be at most 4096")
        }
        guard BootstrapInterval.isValid(alpha: options.alpha) else {
            throw CoFailError.invalid("alpha", options.alpha, "lie in [\(BootstrapInterval.minAlpha), 1)")
        }
        matrix = x
        self.options = options
        self.k = k
        var total = 1.0
        for i in 0..<k {
            total = total * Double(m - i) / Double(i + 1)
        }
        subsetsTotal = total.rounded()
        correct = VoteEngine.correctBits(x)
        rows = try x.queryRows()
        warm =
            options.replicates > 0
            ? try TetrachoricWarmStart(
                try PairwiseStatistics(x, correction: options.correction),
                rootTolerance: Precision.replicate.tetrachoricRootTol) : nil
        if let s = options.subsets {
            guard s >= 1, Double(s) <= subsetsTotal else {
                throw CoFailError.invalid("subsets", s, "lie in 1...\(Int(min(subsetsTotal, 1e18))) (C(\(m), \(k)))")
            }
        }
        let wanted = options.subsets ?? options.maxSubsets
        let enumerates = options.subsets == nil && subsetsTotal <= Double(options.maxSubsets)
        subsetCount = enumerates ? Int(subsetsTotal) : wanted
        let terms = options.control == .headroom ? 3 : 2
        let replicateValues = 1 + terms * options.correlations.count
        let width = options.replicates > 0 ? max(4, replicateValues) : 4
        columns = VoteEngine.countColumns + (4..<width).map { "replicate_value_\($0)" }
        // a sampled run also keeps its k members per subset: checked before anything is allocated
        let values = columns.count + (enumerates ? 0 : k)
        if let problem = UnitTable.capacityProblem(units: subsetCount + options.replicates, columns: values) {
            let name = options.subsets == nil ? "max_subsets" : "subsets"
            throw CoFailError.invalid(name, subsetCount, "fit in memory: \(problem)")
        }
        if enumerates {
            enumeration = "all"
            sampled = nil
            ranking = Subsets.Ranking(n: m, k: k)
        } else {
            enumeration = "sampled"
            sampled = try VoteEngine.sample(
                models: m, size: k, count: wanted, seed: options.seed, cancellation: options.cancellation)
            ranking = Subsets.Ranking(n: 0, k: 0)
        }
    }

    /// `count` distinct uniform k-subsets of the subset streams (Core's `Subsets.distinct`): the
    /// same set for any thread count.
    static func sample(
        models m: Int, size k: Int, count: Int, seed: UInt64, cancellation: CancellationToken? = nil
    ) throws -> [Int] {
        let drawn = Subsets.distinct(k: k, count: count) { u, stream in
            let key = RandomKey(seed: seed, domain: .subset, unit: UInt64(u))
            return Subsets.draw(n: m, k: k) { key.uniformPair(stream: stream, index: $0) }
        } stop: {
            cancellation?.isCancelled == true
        }
        guard let drawn else {
            throw CoFailError.cancelled
        }
        return drawn
    }

    /// The model indices of subset u (lexicographic rank u when all are enumerated).
    public func members(_ u: Int) -> [Int] {
        if let sampled {
            return Array(sampled[u * k..<(u + 1) * k])
        }
        return ranking.unrank(u)
    }

    /// Calls `body` with the index and members of subsets `first ..< last` (all by default), in
    /// unit order: the first is unranked, the rest follow by the next-combination step.
    func forEachSubset(from first: Int = 0, to last: Int? = nil, _ body: (Int, [Int]) throws -> Void) rethrows {
        let stop = last ?? subsetCount
        guard first < stop else {
            return
        }
        if sampled != nil {
            for u in first..<stop {
                try body(u, members(u))
            }
            return
        }
        var c = members(first)
        for u in first..<stop {
            try body(u, c)
            if !Subsets.next(&c, n: matrix.m) {
                break
            }
        }
    }

    /// The values of unit u: a subset's vote counts, or a bootstrap replicate's refit.
    public func compute(_ u: Int) throws -> [Double] {
        var row: [Double]
        if u < subsetCount {
            let c = try VoteKernel.counts(correct, words: matrix.words, members: members(u), k: k)
            row = c.map(Double.init)
        } else {
            row = try VoteFit.replicate(u - subsetCount, engine: self).values
        }
        if row.count < columns.count {
            row.append(contentsOf: repeatElement(.nan, count: columns.count - row.count))
        }
        return row
    }
}
