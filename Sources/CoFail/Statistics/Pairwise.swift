/// Pairwise error statistics of METHODS §2: 2×2 tables, φ and tetrachoric r for every pair,
/// with their means (overall, and within/cross family when families are known).
public struct PairwiseStatistics: Sendable {
    public struct Pair: Sendable {
        public internal(set) var i: Int
        public internal(set) var j: Int
        public internal(set) var n11: Int
        public internal(set) var n10: Int
        public internal(set) var n01: Int
        public internal(set) var n00: Int
        public internal(set) var phi: Double?
        public internal(set) var tetrachoric: Double?
        public internal(set) var status: PairStatus
    }

    /// Mean over defined pairs with how many pairs entered it.
    public struct Mean: Sendable {
        public internal(set) var value: Double?
        public internal(set) var pairs: Int
        public internal(set) var reason: String?
    }

    public let m: Int
    public let n: Int
    /// m × m Gram matrix of error counts (diagonal = errors of each model).
    public let gram: [Int64]
    /// m × m tetrachoric and φ matrices (unit diagonal; NaN where undefined — never reported raw).
    public let r: [Double]
    public let phi: [Double]
    public let status: [PairStatus]
    public let correction: Bool

    /// Every pair mean and the counts of pairs by status.
    public let means: PairMeans
    public var meanPhi: Mean { means.meanPhi }
    public var meanTetrachoric: Mean { means.meanTetrachoric }
    public var withinFamilyTetrachoric: Mean? { means.withinFamilyTetrachoric }
    public var crossFamilyTetrachoric: Mean? { means.crossFamilyTetrachoric }
    public var withinFamilyPhi: Mean? { means.withinFamilyPhi }
    public var crossFamilyPhi: Mean? { means.crossFamilyPhi }
    /// Mean pairwise co-error n11/n over defined pairs (the Clayton target).
    public var meanCoError: Mean { means.meanCoError }
    public var correctedPairs: Int { means.correctedPairs }
    /// Pairs whose root sat at the boundary of the attainable range (r = ±1, rounding).
    public var boundaryPairs: Int { means.boundaryPairs }
    public var undefinedPairs: Int { means.undefinedPairs }
    /// Pairs whose Φ₂⁻¹ solve did not converge (undefined, excluded from the means).
    public var unconvergedPairs: Int { means.unconvergedPairs }
    /// Models whose every pair is undefined (p = 0 or p = 1), with the reason.
    public internal(set) var degenerateModels: [(index: Int, reason: String)]

    public init(
        _ x: OutcomeMatrix, correction: Bool = true, threads: Int = 1,
        warmStart: TetrachoricWarmStart? = nil
    ) throws {
        try self.init(
            gram: try x.gram(threads: threads), n: x.n, families: x.families, correction: correction,
            threads: threads, warmStart: warmStart)
    }

    /// From an m × m Gram matrix of error counts over n queries (a whole matrix, a resample or
    /// a masked column subset).
    public init(
        gram g: [Int64], n: Int, families fams: [String?], correction: Bool = true, threads: Int = 1,
        warmStart: TetrachoricWarmStart? = nil
    ) throws {
        precondition(g.count == fams.count * fams.count)
        let fit = try TetrachoricKernel.fit(
            gram: g, models: fams.count, queries: n, correction: correction, warm: warmStart,
            threads: threads)
        try self.init(gram: g, n: n, families: fams, correction: correction, fit: fit)
    }

    /// The statistics of a column subset of a sample whose every model answered every query:
    /// each pair's 2×2 table, hence its fit, is the full sample's, so the sub-block is taken
    /// instead of refitted (the means are summed in the same order: bit-identical to a refit).
    public init(subsetOf full: PairwiseStatistics, columns: [Int]) throws {
        let k = columns.count
        var g = [Int64](repeating: 0, count: k * k)
        var r = [Double](repeating: 0, count: k * k)
        var phi = [Double](repeating: 0, count: k * k)
        var status = [PairStatus](repeating: .ok, count: k * k)
        for (a, i) in columns.enumerated() {
            for (b, j) in columns.enumerated() {
                g[a * k + b] = full.gram[i * full.m + j]
                r[a * k + b] = full.r[i * full.m + j]
                phi[a * k + b] = full.phi[i * full.m + j]
                status[a * k + b] = full.status[i * full.m + j]
            }
        }
        let fit = TetrachoricKernel.Fit(r: r, phi: phi, status: status)
        try self.init(
            gram: g, n: full.n, families: Array(repeating: nil, count: k), correction: full.correction,
            fit: fit)
    }

    private init(
        gram g: [Int64], n: Int, families fams: [String?], correction: Bool, fit: TetrachoricKernel.Fit
    ) throws {
        let m = fams.count
        self.m = m
        self.n = n
        self.correction = correction
        gram = g
        r = fit.r
        phi = fit.phi
        status = fit.status
        means = try PairMeans(gram: g, r: fit.r, phi: fit.phi, status: fit.status, n: n, families: fams)
        var degenerate: [(Int, String)] = []
        for i in 0..<m {
            let e = g[i * m + i]
            if e == 0 {
                degenerate.append((i, "never wrong (p = 0)"))
            } else if e == Int64(n) {
                degenerate.append((i, "always wrong (p = 1)"))
            }
        }
        degenerateModels = degenerate
    }

    /// Error rate of model i.
    public func errorRate(_ i: Int) -> Double {
        Double(gram[i * m + i]) / Double(n)
    }

    /// One pair's table and statistics.
    public func pair(_ i: Int, _ j: Int) -> Pair {
        let n11 = Int(gram[i * m + j])
        let ei = Int(gram[i * m + i])
        let ej = Int(gram[j * m + j])
        let st = status[i * m + j]
        return Pair(
            i: i, j: j, n11: n11, n10: ei - n11, n01: ej - n11, n00: n - ei - ej + n11,
            phi: st.isDefined ? phi[i * m + j] : nil, tetrachoric: st.isDefined ? r[i * m + j] : nil,
            status: st)
    }
}

/// The pair means of METHODS §2 over the pairs (a, b), a < b, of m × m fits, with the counts of
/// pairs by status. Sums run over a, then b, in `MeanAccumulator`'s lanes: `meanTetrachoric(definedR:…)`
/// keeps that order.
public struct PairMeans: Sendable {
    public internal(set) var meanPhi: PairwiseStatistics.Mean
    public internal(set) var meanTetrachoric: PairwiseStatistics.Mean
    /// Mean pairwise co-error n11/n over defined pairs (the Clayton target).
    public internal(set) var meanCoError: PairwiseStatistics.Mean
    public internal(set) var withinFamilyTetrachoric: PairwiseStatistics.Mean?
    public internal(set) var crossFamilyTetrachoric: PairwiseStatistics.Mean?
    public internal(set) var withinFamilyPhi: PairwiseStatistics.Mean?
    public internal(set) var crossFamilyPhi: PairwiseStatistics.Mean?
    public internal(set) var correctedPairs = 0
    public internal(set) var boundaryPairs = 0
    public internal(set) var undefinedPairs = 0
    public internal(set) var unconvergedPairs = 0

    init(gram g: [Int64], r: [Double], phi: [Double], status: [PairStatus], n: Int, families fams: [String?]) throws {
        let k = fams.count
        for a in 0..<k {
            for b in (a + 1)..<k {
                switch status[a * k + b] {
                case .ok: break
                case .corrected: correctedPairs += 1
                case .boundary: boundaryPairs += 1
                case .unconverged:
                    undefinedPairs += 1
                    unconvergedPairs += 1
                case .neverWrong, .alwaysWrong, .empty: undefinedPairs += 1
                }
            }
        }
        let all = try BitTables.pairMeans(r: r, phi: phi, gram: g, models: k, queries: n)
        let noPairs = PairMeans.noPairs(models: k)
        func mean(_ sum: Double) -> PairwiseStatistics.Mean {
            all.count > 0
                ? PairwiseStatistics.Mean(value: sum / Double(all.count), pairs: all.count, reason: nil)
                : PairwiseStatistics.Mean(value: nil, pairs: 0, reason: noPairs)
        }
        meanTetrachoric = mean(all.r)
        meanPhi = mean(all.phi)
        meanCoError = mean(all.coError)
        guard fams.contains(where: { $0 != nil }) else {
            return
        }
        var within = MeanAccumulator()
        var cross = MeanAccumulator()
        for a in 0..<k {
            for b in (a + 1)..<k where status[a * k + b].isDefined {
                guard let x = fams[a], let y = fams[b] else {
                    continue
                }
                let at = a * k + b
                if x == y {
                    within.add(lane: b, r: r[at], phi: phi[at], coError: 0)
                } else {
                    cross.add(lane: b, r: r[at], phi: phi[at], coError: 0)
                }
            }
        }
        withinFamilyTetrachoric = within.mean(\.r, "no two models of the same family")
        withinFamilyPhi = within.mean(\.phi, "no two models of the same family")
        crossFamilyTetrachoric = cross.mean(\.r, "no two models of different families")
        crossFamilyPhi = cross.mean(\.phi, "no two models of different families")
    }
}

extension PairMeans {
    /// Why a mean over the pairs of k models has no pair.
    static func noPairs(models k: Int) -> String {
        k < 2
            ? "fewer than two models"
            : "no pair has a defined correlation (every pair involves a model that is never or always wrong)"
    }

    /// The mean tetrachoric over the pairs of `columns`, a column subset of a complete sample,
    /// from `definedR` (the sample's m × m tetrachoric matrix with NaN at undefined pairs): the
    /// defined pairs' r summed in (a, b) order in `MeanAccumulator`'s lanes, so bit for bit the mean
    /// of the subset's own fits.
    /// Reads one array, not four: a subset of a large pool is limited by memory traffic.
    public static func meanTetrachoric(
        definedR: [Double], models m: Int, columns: [Int]
    ) throws
        -> PairwiseStatistics.Mean
    {
        let k = columns.count
        let (sum, count) = try BitTables.pairSum(definedR, models: m, columns: columns)
        guard count > 0 else {
            return PairwiseStatistics.Mean(value: nil, pairs: 0, reason: noPairs(models: k))
        }
        return PairwiseStatistics.Mean(value: sum / Double(count), pairs: count, reason: nil)
    }
}

/// Sums of the defined pairs' statistics for one mean, in four lanes chosen by the pair's
/// second index (b mod 4) and combined as (0 + 1) + (2 + 3): independent additions that keep
/// the order fixed, so every path that visits the same pairs gets the same bits.
struct MeanAccumulator {
    struct Sums {
        var r = 0.0
        var phi = 0.0
        var coError = 0.0
    }

    var lanes = (Sums(), Sums(), Sums(), Sums())
    var count = 0

    mutating func add(lane: Int, r: Double, phi: Double, coError: Double) {
        switch lane & 3 {
        case 0: MeanAccumulator.add(&lanes.0, r, phi, coError)
        case 1: MeanAccumulator.add(&lanes.1, r, phi, coError)
        case 2: MeanAccumulator.add(&lanes.2, r, phi, coError)
        default: MeanAccumulator.add(&lanes.3, r, phi, coError)
        }
        count += 1
    }

    private static func add(_ s: inout Sums, _ r: Double, _ phi: Double, _ coError: Double) {
        s.r += r
        s.phi += phi
        s.coError += coError
    }

    /// The lanes' combination, the one order every mean uses.
    static func combine(_ l: (Double, Double, Double, Double)) -> Double {
        (l.0 + l.1) + (l.2 + l.3)
    }

    func mean(_ field: KeyPath<Sums, Double>, _ why: String) -> PairwiseStatistics.Mean {
        guard count > 0 else {
            return PairwiseStatistics.Mean(value: nil, pairs: 0, reason: why)
        }
        let sum = MeanAccumulator.combine(
            (lanes.0[keyPath: field], lanes.1[keyPath: field], lanes.2[keyPath: field], lanes.3[keyPath: field]))
        return PairwiseStatistics.Mean(value: sum / Double(count), pairs: count, reason: nil)
    }
}

extension TetrachoricWarmStart {
    /// The warm start of every pair, linearised at a full sample's fits, for resamples solved to
    /// `rootTolerance` in θ = asin r (`Precision.tetrachoricRootTol`; 0: full precision).
    public init(_ full: PairwiseStatistics, rootTolerance: Double) throws {
        self = try TetrachoricKernel.warmStart(
            gram: full.gram, models: full.m, queries: full.n,
            correction: full.correction, r: full.r, rootTolerance: rootTolerance)
    }
}
