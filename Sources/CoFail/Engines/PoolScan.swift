import Foundation

/// Pool-size scan (METHODS §7): for each size s, S random s-subsets of the models (all of them
/// when C(m, s) <= S), each analysed under the complete-coverage policy on its own columns.
/// Subset j of size s is a pure function of (seed, s, j), whatever the thread count or shard.
public struct PoolScan: Sendable {
    public static let columns = [
        "size", "n_queries", "k_all_wrong", "beta", "mean_tetrachoric", "beta_sf", "underpricing", "underpricing_full",
    ]

    public let raw: RawMatrix
    public let sizes: [Int]
    public let subsetsPerSize: Int
    public let seed: UInt64
    public let correction: Bool
    public let full: Bool
    /// Units: (size, j), in size order.
    public let units: [(size: Int, index: Int)]
    let errors: [UInt64]
    let answered: [UInt64]
    /// One factor workspace per concurrently running subset.
    let workspaces: WorkspacePool
    /// Tolerances of every subset (`.replicate`, with the caller's β_full target).
    let precision: Precision
    /// The full matrix's pairwise fits, when every subset keeps every query (no missing cell).
    let fullPairwise: PairwiseStatistics?
    /// Their tetrachoric matrix with NaN at undefined pairs (a subset's mean reads only this).
    let definedR: [Double]

    /// - Parameter reusePairwise: when the matrix has no missing cell, every subset keeps every
    ///   query, so its pair fits are the full matrix's: fit them once, then sum each subset's mean
    ///   from them (or take sub-blocks with `full`), bit-identical to refitting; false forces the
    ///   refit, for tests.
    /// - Parameter threads: threads of that one fit (subsets run on the engine's threads).
    public init(
        _ raw: RawMatrix, sizes: [Int], subsets: Int, seed: UInt64, correction: Bool = true, full: Bool = false,
        fullRelError: Double = Precision.replicate.fullRelError, reusePairwise: Bool = true, threads: Int = 1
    ) throws {
        var precision = Precision.replicate
        precision.fullRelError = fullRelError
        self.precision = precision
        let m = raw.modelCount
        guard subsets >= 1 else {
            throw CoFailError.invalid("subsets", subsets, "be at least 1")
        }
        for s in sizes where s < 2 || s > m {
            throw CoFailError.invalid("sizes", s, "lie in 2...\(m) (the matrix has \(m) models)")
        }
        self.raw = raw
        self.sizes = sizes
        subsetsPerSize = subsets
        self.seed = seed
        self.correction = correction
        self.full = full
        var u: [(Int, Int)] = []
        for s in sizes { for j in 0..<Subsets.count(n: m, k: s, cap: subsets) { u.append((s, j)) } }
        units = u
        let w = raw.words
        var e = [UInt64]()
        var a = [UInt64]()
        for i in 0..<m {
            a.append(contentsOf: raw.answered[i])
            e.append(contentsOf: (0..<w).map { raw.answered[i][$0] & ~raw.correct[i][$0] })
        }
        workspaces = WorkspacePool(models: m)
        errors = e
        answered = a
        if reusePairwise && raw.missingCells == 0 {
            let x = try raw.applyCoverage(.complete).0
            let pw = try PairwiseStatistics(x, correction: correction, threads: max(1, threads))
            fullPairwise = pw
            definedR = zip(pw.r, pw.status).map { $1.isDefined ? $0 : .nan }
        } else {
            fullPairwise = nil
            definedR = []
        }
    }

    /// Whether size s enumerates all subsets.
    func exhaustive(_ s: Int) -> Bool {
        Subsets.count(n: raw.modelCount, k: s, cap: subsetsPerSize + 1) <= subsetsPerSize
    }

    /// The model indices of subset j of size s.
    public func subset(size s: Int, index j: Int) -> [Int] {
        let m = raw.modelCount
        if exhaustive(s) {
            return Subsets.unrank(j, n: m, k: s)
        }
        // partial Fisher–Yates from the subset stream of unit s·2^32 + j
        let key = RandomKey(seed: seed, domain: .subset, unit: UInt64(s) << 32 | UInt64(j))
        return Subsets.draw(n: m, k: s) { key.uniformPair(stream: 0, index: $0) }
    }

    /// Statistics of unit u (NaN = undefined): the complete-coverage query set of the subset's
    /// columns, then the statistics pipeline at `Precision.replicate` on its counts.
    public func compute(_ u: Int) throws -> [Double] {
        let (s, j) = units[u]
        let cols = subset(size: s, index: j)
        let w = raw.words
        // With the full matrix's fits (no missing cell) every subset keeps every query: the
        // answered set needs no intersection, and the mean path needs no mask.
        let lean = fullPairwise != nil && !full
        let (n, mask) =
            lean
            ? (raw.queryCount, [])
            : try BitTables.intersection(answered, words: w, models: raw.modelCount, columns: cols, wantMask: true)
        guard n > 0 else {
            return [Double(s), 0] + Array(repeating: .nan, count: 6)
        }
        // An error bit implies an answered bit, so the all-wrong set already lies inside the mask.
        let k = try BitTables.intersection(errors, words: w, models: raw.modelCount, columns: cols).count
        let request: StatisticSet = full ? [.tetrachoricSF, .full] : [.tetrachoricSF]
        var context = UnitContext(precision: precision, correction: correction, seed: seed, unit: UInt64(u))
        context.workspaces = workspaces
        let st: UnitStatistics
        let mean: PairwiseStatistics.Mean?
        if lean, let fullPairwise {
            // Only the subset's mean tetrachoric and error rates are needed: no sub-block copy.
            let p = cols.map { Double(fullPairwise.gram[$0 * fullPairwise.m + $0]) / Double(n) }
            let subsetMean = try PairMeans.meanTetrachoric(definedR: definedR, models: fullPairwise.m, columns: cols)
            mean = subsetMean
            st = try UnitStatistics(
                n: n, k: k, errorRates: p, pairs: .meanTetrachoric(subsetMean), computing: request, context: context)
        } else {
            let known = try fullPairwise.map { try PairwiseStatistics(subsetOf: $0, columns: cols) }
            let gram = try known?.gram ?? BitTables.gram(errors, words: w, columns: cols, mask: mask)
            let counts = SampleCounts(n: n, k: k, gram: gram, families: Array(repeating: nil, count: s))
            st = try UnitStatistics(counts, computing: request, context: context, pairwise: known)
            mean = st.pairwise?.meanTetrachoric
        }
        let underFull = st.full?.underpricingFull.valueOrNaN ?? .nan
        return [
            Double(s), Double(n), Double(k), st.beta, mean?.value ?? .nan,
            st.betaSFTetrachoric.valueOrNaN, st.underpricingTetrachoric.valueOrNaN, underFull,
        ]
    }

    /// Parses "2:67", "2:67:5" or "2,5,10".
    public static func parseSizes(_ text: String, models m: Int) throws -> [Int] {
        if text.contains(":") {
            let p = text.split(separator: ":").map { Int($0) }
            guard (p.count == 2 || p.count == 3), p.allSatisfy({ $0 != nil }), let a = p[0], let b = p[1], a <= b else {
                throw CoFailError.invalid("sizes", "'\(text)'", "be FROM:TO[:STEP] or a comma list")
            }
            let step = p.count == 3 ? p[2]! : 1
            guard step >= 1 else {
                throw CoFailError.invalid("sizes", "'\(text)'", "have a positive step")
            }
            return try checked(Array(stride(from: a, through: b, by: step)), text: text, models: m)
        }
        let list = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !list.isEmpty, list.allSatisfy({ $0 != nil }) else {
            throw CoFailError.invalid("sizes", "'\(text)'", "be FROM:TO[:STEP] or a comma list")
        }
        return try checked(list.map { $0! }, text: text, models: m)
    }

    /// Every requested size must be a pool the matrix can form: 2 ≤ s ≤ m.
    static func checked(_ sizes: [Int], text: String, models m: Int) throws -> [Int] {
        if let bad = sizes.first(where: { $0 < 2 || $0 > m }) {
            let why = "list pool sizes in 2...\(m) (the matrix has \(m) models; \(bad) is outside)"
            throw CoFailError.invalid("sizes", "'\(text)'", why)
        }
        return sizes
    }
}

/// Per-size summary of a completed scan table (identical for unsharded and merged runs).
public struct ScanSummary: Sendable {
    public struct Row: Sendable {
        public var size: Int, subsets: Int, complete: Int
        public var median: Double?, p10: Double?, p90: Double?
        public var populatedShare: Double?, medianBeta: Double?, medianBetaSF: Double?, medianFull: Double?
    }
    public var rows: [Row]
    public var spearman: Double?
    public var full: Bool

    public init(_ t: UnitTable, full: Bool) {
        self.full = full
        let size = t.column("size")
        let n = t.column("n_queries")
        let k = t.column("k_all_wrong")
        let beta = t.column("beta")
        let bsf = t.column("beta_sf")
        let u = t.column("underpricing")
        let uf = t.column("underpricing_full")
        var bySize: [Int: [Int]] = [:]
        for i in 0..<t.units { bySize[Int(size[i]), default: []].append(i) }
        func med(_ v: [Double]) -> Double? { v.isEmpty ? nil : BootstrapInterval.quantile(v.sorted(), 0.5) }
        rows = bySize.keys.sorted().map { s in
            let idx = bySize[s]!
            let complete = idx.filter { n[$0] > 0 }
            let tail = complete.filter { k[$0] > 0 }
            let uv = tail.map { u[$0] }.filter(\.isFinite).sorted()
            return Row(
                size: s, subsets: idx.count, complete: complete.count,
                median: uv.isEmpty ? nil : BootstrapInterval.quantile(uv, 0.5),
                p10: uv.isEmpty ? nil : BootstrapInterval.quantile(uv, 0.1),
                p90: uv.isEmpty ? nil : BootstrapInterval.quantile(uv, 0.9),
                populatedShare: complete.isEmpty ? nil : Double(tail.count) / Double(complete.count),
                medianBeta: med(complete.map { beta[$0] }),
                medianBetaSF: med(complete.map { bsf[$0] }.filter(\.isFinite)),
                medianFull: full ? med(tail.map { uf[$0] }.filter(\.isFinite)) : nil)
        }
        let pairs = rows.compactMap { r in r.median.map { (Double(r.size), $0) } }
        spearman = pairs.count >= 3 ? ScanSummary.spearman(pairs.map(\.0), pairs.map(\.1)) : nil
    }

    /// Spearman's ρ: Pearson correlation of mid-ranks.
    static func spearman(_ x: [Double], _ y: [Double]) -> Double? {
        let rx = MidRanks.of(x)
        let ry = MidRanks.of(y)
        let n = Double(x.count)
        let mx = rx.reduce(0, +) / n
        let my = ry.reduce(0, +) / n
        var sxy = 0.0
        var sxx = 0.0
        var syy = 0.0
        for i in 0..<x.count {
            sxy += (rx[i] - mx) * (ry[i] - my)
            sxx += (rx[i] - mx) * (rx[i] - mx)
            syy += (ry[i] - my) * (ry[i] - my)
        }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : nil
    }
}
