import CKernels

/// Pairwise error statistics of METHODS §2: 2x2 tables, φ and tetrachoric r for every pair,
/// with their means (overall, and within/cross family when families are known).
public struct PairwiseStatistics: Sendable {
    public enum PairStatus: Int32, Sendable {
        case ok = 0, corrected = 1, neverWrong = 2, alwaysWrong = 3, empty = 4
        public var isDefined: Bool { self == .ok || self == .corrected }
    }
    public struct Pair: Sendable {
        public var i: Int, j: Int
        public var n11: Int, n10: Int, n01: Int, n00: Int
        public var phi: Double?
        public var tetrachoric: Double?
        public var status: PairStatus
    }
    /// Mean over defined pairs with how many pairs entered it.
    public struct Mean: Sendable {
        public var value: Double?
        public var pairs: Int
        public var reason: String?
    }

    public let m: Int
    public let n: Int
    /// m x m Gram matrix of error counts (diagonal = errors of each model).
    public let gram: [Int64]
    /// m x m tetrachoric and φ matrices (unit diagonal; NaN where undefined — never reported raw).
    public let r: [Double]
    public let phi: [Double]
    public let flags: [Int32]
    public let correction: Bool

    public var meanPhi: Mean
    public var meanTetrachoric: Mean
    public var withinFamilyTetrachoric: Mean?
    public var crossFamilyTetrachoric: Mean?
    public var withinFamilyPhi: Mean?
    public var crossFamilyPhi: Mean?
    /// Mean pairwise co-error n11/n over defined pairs (the Clayton target).
    public var meanCoError: Mean
    public var correctedPairs: Int
    public var undefinedPairs: Int
    /// Models whose every pair is undefined (p = 0 or p = 1), with the reason.
    public var degenerateModels: [(index: Int, reason: String)]

    public init(_ x: OutcomeMatrix, correction: Bool = true, threads: Int = 1, warmStart: TetrachoricWarmStart? = nil) throws {
        try self.init(gram: try x.gram(threads: threads), n: x.n, families: x.families, correction: correction, threads: threads, warmStart: warmStart)
    }

    /// From an m x m Gram matrix of error counts over n queries (cf_tables_gram or a masked
    /// column subset, as pool-size scans use).
    public init(gram g: [Int64], n: Int, families fams: [String?], correction: Bool = true, threads: Int = 1, warmStart: TetrachoricWarmStart? = nil) throws {
        let m = fams.count
        precondition(g.count == m * m)
        self.m = m; self.n = n; self.correction = correction
        gram = g
        var rr = [Double](repeating: 0, count: m * m), pp = [Double](repeating: 0, count: m * m)
        var ff = [Int32](repeating: 0, count: m * m)
        try g.withUnsafeBufferPointer { gp in
            try check(cf_tetrachoric_matrix(gp.baseAddress, m, Int64(n), correction ? 1 : 0, warmStart?.pairs, max(1, threads), &rr, &pp, &ff),
                      "cf_tetrachoric_matrix")
        }
        r = rr; phi = pp; flags = ff
        var sumR = 0.0, sumP = 0.0, sumC = 0.0, cnt = 0, corrected = 0, undefined = 0
        var wR = 0.0, wP = 0.0, wN = 0, cR = 0.0, cP = 0.0, cN = 0
        let famKnown = fams.contains { $0 != nil }
        for i in 0..<m {
            for j in (i + 1)..<m where j < m {
                let f = ff[i * m + j]
                if f == CF_PAIR_OK || f == CF_PAIR_CORRECTED {
                    if f == CF_PAIR_CORRECTED { corrected += 1 }
                    sumR += rr[i * m + j]; sumP += pp[i * m + j]; sumC += Double(g[i * m + j]) / Double(n); cnt += 1
                    if famKnown, let a = fams[i], let b = fams[j] {
                        if a == b { wR += rr[i * m + j]; wP += pp[i * m + j]; wN += 1 } else { cR += rr[i * m + j]; cP += pp[i * m + j]; cN += 1 }
                    }
                } else { undefined += 1 }
            }
        }
        func mean(_ s: Double, _ c: Int, _ why: String) -> Mean {
            c > 0 ? Mean(value: s / Double(c), pairs: c, reason: nil) : Mean(value: nil, pairs: 0, reason: why)
        }
        let noPairs = m < 2 ? "fewer than two models" : "no pair has a defined correlation (every pair involves a model that is never or always wrong)"
        meanPhi = mean(sumP, cnt, noPairs)
        meanTetrachoric = mean(sumR, cnt, noPairs)
        meanCoError = mean(sumC, cnt, noPairs)
        if famKnown {
            withinFamilyTetrachoric = mean(wR, wN, "no two models of the same family")
            withinFamilyPhi = mean(wP, wN, "no two models of the same family")
            crossFamilyTetrachoric = mean(cR, cN, "no two models of different families")
            crossFamilyPhi = mean(cP, cN, "no two models of different families")
        }
        correctedPairs = corrected
        undefinedPairs = undefined
        var degenerate: [(Int, String)] = []
        for i in 0..<m {
            let e = g[i * m + i]
            if e == 0 { degenerate.append((i, "never wrong (p = 0)")) } else if e == Int64(n) { degenerate.append((i, "always wrong (p = 1)")) }
        }
        degenerateModels = degenerate
    }

    /// Error rate of model i.
    public func errorRate(_ i: Int) -> Double { Double(gram[i * m + i]) / Double(n) }

    /// One pair's table and statistics.
    public func pair(_ i: Int, _ j: Int) -> Pair {
        let n11 = Int(gram[i * m + j]), ei = Int(gram[i * m + i]), ej = Int(gram[j * m + j])
        let st = PairStatus(rawValue: flags[i * m + j]) ?? .empty
        return Pair(i: i, j: j, n11: n11, n10: ei - n11, n01: ej - n11, n00: n - ei - ej + n11,
                    phi: st.isDefined ? phi[i * m + j] : nil, tetrachoric: st.isDefined ? r[i * m + j] : nil, status: st)
    }
}

/// Every pair's tetrachoric root linearised at a full sample (cf_tetrachoric_warm): resamples of
/// the same matrix start each Halley solve within O(Δ²) of its root.
public struct TetrachoricWarmStart: Sendable {
    let pairs: [cf_tetra_warm]

    public init(_ full: PairwiseStatistics) throws {
        var w = [cf_tetra_warm](repeating: cf_tetra_warm(), count: full.m * full.m)
        try check(cf_tetrachoric_warm(full.gram, full.m, Int64(full.n), full.correction ? 1 : 0, full.r, &w), "cf_tetrachoric_warm")
        pairs = w
    }
}
