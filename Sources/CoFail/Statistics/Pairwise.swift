/// Pairwise error statistics of METHODS §2: 2×2 tables, φ and tetrachoric r for every pair,
/// with their means (overall, and within/cross family when families are known).
public struct PairwiseStatistics: Sendable {
    public struct Pair: Sendable {
        public var i: Int
        public var j: Int
        public var n11: Int
        public var n10: Int
        public var n01: Int
        public var n00: Int
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
    /// m × m Gram matrix of error counts (diagonal = errors of each model).
    public let gram: [Int64]
    /// m × m tetrachoric and φ matrices (unit diagonal; NaN where undefined — never reported raw).
    public let r: [Double]
    public let phi: [Double]
    public let status: [PairStatus]
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
    /// Pairs whose root sat at the boundary of the attainable range (r = ±1, rounding).
    public var boundaryPairs: Int
    public var undefinedPairs: Int
    /// Pairs whose Φ₂⁻¹ solve did not converge (undefined, excluded from the means).
    public var unconvergedPairs: Int
    /// Models whose every pair is undefined (p = 0 or p = 1), with the reason.
    public var degenerateModels: [(index: Int, reason: String)]

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
        self.init(gram: g, n: n, families: fams, correction: correction, fit: fit)
    }

    /// The statistics of a column subset of a sample whose every model answered every query:
    /// each pair's 2×2 table, hence its fit, is the full sample's, so the sub-block is taken
    /// instead of refitted (the means are summed in the same order: bit-identical to a refit).
    public init(subsetOf full: PairwiseStatistics, columns: [Int]) {
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
        self.init(
            gram: g, n: full.n, families: Array(repeating: nil, count: k), correction: full.correction,
            fit: fit)
    }

    private init(gram g: [Int64], n: Int, families fams: [String?], correction: Bool, fit: TetrachoricKernel.Fit) {
        let m = fams.count
        self.m = m
        self.n = n
        self.correction = correction
        gram = g
        r = fit.r
        phi = fit.phi
        status = fit.status
        var all = MeanAccumulator()
        var within = MeanAccumulator()
        var cross = MeanAccumulator()
        var corrected = 0
        var boundary = 0
        var undefined = 0
        var unconverged = 0
        let famKnown = fams.contains { $0 != nil }
        for i in 0..<m {
            for j in (i + 1)..<m {
                let f = fit.status[i * m + j]
                guard f.isDefined else {
                    undefined += 1
                    if f == .unconverged {
                        unconverged += 1
                    }
                    continue
                }
                if f == .corrected {
                    corrected += 1
                }
                if f == .boundary {
                    boundary += 1
                }
                let rij = fit.r[i * m + j]
                let pij = fit.phi[i * m + j]
                all.add(r: rij, phi: pij, coError: Double(g[i * m + j]) / Double(n))
                if famKnown, let a = fams[i], let b = fams[j] {
                    if a == b {
                        within.add(r: rij, phi: pij, coError: 0)
                    } else {
                        cross.add(r: rij, phi: pij, coError: 0)
                    }
                }
            }
        }
        let noPairs =
            m < 2
            ? "fewer than two models"
            : "no pair has a defined correlation (every pair involves a model that is never or always wrong)"
        meanPhi = all.mean(\.phi, noPairs)
        meanTetrachoric = all.mean(\.r, noPairs)
        meanCoError = all.mean(\.coError, noPairs)
        if famKnown {
            withinFamilyTetrachoric = within.mean(\.r, "no two models of the same family")
            withinFamilyPhi = within.mean(\.phi, "no two models of the same family")
            crossFamilyTetrachoric = cross.mean(\.r, "no two models of different families")
            crossFamilyPhi = cross.mean(\.phi, "no two models of different families")
        }
        correctedPairs = corrected
        boundaryPairs = boundary
        undefinedPairs = undefined
        unconvergedPairs = unconverged
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

/// Sums of the defined pairs' statistics for one mean.
private struct MeanAccumulator {
    struct Sums {
        var r = 0.0
        var phi = 0.0
        var coError = 0.0
    }

    var sums = Sums()
    var count = 0

    mutating func add(r: Double, phi: Double, coError: Double) {
        sums.r += r
        sums.phi += phi
        sums.coError += coError
        count += 1
    }

    func mean(_ field: KeyPath<Sums, Double>, _ why: String) -> PairwiseStatistics.Mean {
        guard count > 0 else {
            return PairwiseStatistics.Mean(value: nil, pairs: 0, reason: why)
        }
        return PairwiseStatistics.Mean(value: sums[keyPath: field] / Double(count), pairs: count, reason: nil)
    }
}

extension TetrachoricWarmStart {
    /// The warm start of every pair, linearised at a full sample's fits.
    public init(_ full: PairwiseStatistics) throws {
        self = try TetrachoricKernel.warmStart(
            gram: full.gram, models: full.m, queries: full.n,
            correction: full.correction, r: full.r)
    }
}
