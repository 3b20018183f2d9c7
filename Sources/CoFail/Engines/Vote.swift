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
            keep = try models.map { name in
                guard let i = x.modelNames.firstIndex(of: name) else {
                    throw CoFailError.invalid("models", name, "name models of the matrix (after coverage)")
                }
                return i
            }
            if Set(keep).count != keep.count {
                throw CoFailError.invalid("models", models.joined(separator: ","), "name each model once")
            }
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
            row = try VoteSummary.replicate(u - subsetCount, engine: self).values
        }
        if row.count < columns.count {
            row.append(contentsOf: repeatElement(.nan, count: columns.count - row.count))
        }
        return row
    }
}

/// The fitted quantities of one sample (the full matrix or a bootstrap replicate).
struct VoteFit {
    struct Regression {
        /// The number of terms (intercept, correlation and, with the headroom control, headroom).
        var coefficientCount: Int
        var used = 0
        var excluded = 0
        var coefficients: [Double]?
        var rSquared: Double?
        var olsSE: [Double]?
    }

    var subsets = 0
    var meanVote = 0.0
    var meanUpper = 0.0
    var meanBest = 0.0
    var meanGain = 0.0
    var meanGainUpper = 0.0
    var meanHeadroom = 0.0
    var meanOracle = 0.0
    var positive = 0
    var negative = 0
    var meanPhi: Double?
    var meanTetrachoric: Double?
    var regressions: [Regression] = []

    init() {}

    /// What a bootstrap replicate keeps: the mean gain, then each regression's coefficients (NaN
    /// when the fit is undefined).
    var values: [Double] {
        [meanGain]
            + regressions.flatMap { r in
                r.coefficients ?? Array(repeating: .nan, count: r.coefficientCount)
            }
    }

    /// A replicate read back from its unit's values.
    init(values v: [Double], engine e: VoteEngine) {
        meanGain = v[0]
        let p = e.options.control == .headroom ? 3 : 2
        regressions = e.options.correlations.indices.map { c in
            let coefficients = Array(v[1 + c * p..<1 + (c + 1) * p])
            var r = Regression(coefficientCount: p)
            r.coefficients = coefficients.contains(where: \.isNaN) ? nil : coefficients
            return r
        }
    }
}

/// Leave-one-model-out pieces of one regression or of the mean gain (METHODS §11.5, §11.9).
struct JackknifeAccumulator {
    let p: Int
    var xtx: [Double]
    var xtg: [Double]
    var perModelXtX: [[Double]]
    var perModelXtG: [[Double]]
    var perModelCount: [Int]
    var count = 0
    var gtg = 0.0
    var gsum = 0.0

    init(p: Int, models m: Int) {
        self.p = p
        xtx = Array(repeating: 0, count: p * p)
        xtg = Array(repeating: 0, count: p)
        perModelXtX = Array(repeating: Array(repeating: 0, count: p * p), count: m)
        perModelXtG = Array(repeating: Array(repeating: 0, count: p), count: m)
        perModelCount = Array(repeating: 0, count: m)
    }

    /// Adds the design row x = (1, r, h) (or (1, r) when p = 2) with response g.
    mutating func add(_ r: Double, _ h: Double, _ g: Double, members: [Int], perModel: Bool) {
        let x = (1.0, r, h)
        func at(_ i: Int) -> Double {
            i == 0 ? x.0 : (i == 1 ? x.1 : x.2)
        }
        count += 1
        gtg += g * g
        gsum += g
        for a in 0..<p {
            xtg[a] += at(a) * g
            for b in 0..<p {
                xtx[a * p + b] += at(a) * at(b)
            }
        }
        guard perModel else {
            return
        }
        for i in members {
            perModelCount[i] += 1
            for a in 0..<p {
                perModelXtG[i][a] += at(a) * g
                for b in 0..<p {
                    perModelXtX[i][a * p + b] += at(a) * at(b)
                }
            }
        }
    }
}

/// Solves the symmetric positive definite system A x = b (p ≤ 3) by Cholesky; nil when A is
/// singular to working precision (a rank-deficient design). Also returns A⁻¹'s diagonal.
func solveNormalEquations(_ a: [Double], _ b: [Double], p: Int) -> (x: [Double], inverseDiagonal: [Double])? {
    var l = [Double](repeating: 0, count: p * p)
    let scale = (0..<p).map { a[$0 * p + $0] }.max() ?? 0
    guard scale > 0 else {
        return nil
    }
    for i in 0..<p {
        for j in 0...i {
            var s = a[i * p + j]
            for t in 0..<j {
                s -= l[i * p + t] * l[j * p + t]
            }
            if i == j {
                guard s > 1e-12 * a[i * p + i], s > 0 else {
                    return nil
                }
                l[i * p + i] = s.squareRoot()
            } else {
                l[i * p + j] = s / l[j * p + j]
            }
        }
    }
    func solve(_ rhs: [Double]) -> [Double] {
        var y = rhs
        for i in 0..<p {
            for t in 0..<i {
                y[i] -= l[i * p + t] * y[t]
            }
            y[i] /= l[i * p + i]
        }
        for i in stride(from: p - 1, through: 0, by: -1) {
            for t in (i + 1)..<p {
                y[i] -= l[t * p + i] * y[t]
            }
            y[i] /= l[i * p + i]
        }
        return y
    }
    let x = solve(b)
    let diag = (0..<p).map { i -> Double in
        var e = [Double](repeating: 0, count: p)
        e[i] = 1
        return solve(e)[i]
    }
    return (x, diag)
}

/// Everything `cofail vote` reports from one sample, with the jackknife and bootstrap of the
/// full sample (METHODS §11.3–§11.6).
public struct VoteSummary: Sendable {
    public struct Coefficient: Sendable {
        public var term: String
        public var estimate: Double?
        public var olsSE: Double?
        public var jackknifeSE: Double?
        public var jackknifeLo: Double?
        public var jackknifeHi: Double?
        public var jackknifeMean: Double?
        public var bootstrapSE: Double?
        public var ciLo: Double?
        public var ciHi: Double?
    }

    public struct Regression: Sendable {
        public var correlation: VoteCorrelation
        public var control: VoteControl
        public var used: Int
        public var excluded: Int
        public var rSquared: Double?
        public var clusters: Int
        public var bootstrapUndefined: Int
        public var coefficients: [Coefficient]
        /// Why the jackknife is undefined, when it is.
        public var jackknifeReason: String?
        public var slopeJackknifeExcludesZero: Bool?
        public var slopeBootstrapExcludesZero: Bool?
    }

    public var nQueries: Int
    public var nModels: Int
    public var subsetSize: Int
    public var subsetsTotal: Double
    public var subsets: Int
    public var enumeration: String
    public var degenerateModels: [String]
    public var zeroCellPairs: Int
    public var meanVoteAccuracy: Double
    public var meanVoteAccuracyUpper: Double
    public var meanBestMemberAccuracy: Double
    public var meanVoteGain: Double
    public var meanVoteGainUpper: Double
    public var sharePositiveGain: Double
    public var shareNegativeGain: Double
    public var meanHeadroom: Double
    public var meanSubsetPhi: Quantity
    public var meanSubsetTetrachoric: Quantity
    public var meanSubsetOracleAccuracy: Double
    public var poolBestAccuracy: Double
    public var poolVoteAccuracy: Double
    public var jackknifeClusters: Int
    public var tQuantile: Quantity
    public var gainJackknifeSE: Quantity
    public var gainJackknifeLo: Quantity
    public var gainJackknifeHi: Quantity
    public var replicates: Int
    public var gainBootstrapSE: Quantity
    public var gainCILo: Quantity
    public var gainCIHi: Quantity
    public var regressions: [Regression]
    public var alpha: Double
    /// Per subset rows for `--subsets-out` and the plot: members, a_V, a_U, oracle, best member,
    /// a_best, mean accuracy, g, g_U, h, ρ̄_φ, ρ̄_tet.
    public var rows: [SubsetRow]
    /// The pool's mean error, mean tetrachoric r and per-model error rates (majority floor).
    public var errorRates: [Double]
    public var poolMeanTetrachoric: Quantity

    public struct SubsetRow: Sendable {
        public var members: [Int]
        public var vote: Double
        public var upper: Double
        public var oracle: Double
        public var best: Int
        public var bestAccuracy: Double
        public var meanAccuracy: Double
        public var gain: Double
        public var gainUpper: Double
        public var headroom: Double
        public var phi: Double?
        public var tetrachoric: Double?
    }

    /// Pairwise quantities of one sample that subsets average.
    struct SampleTables {
        var accuracy: [Double]
        var phi: [Double]
        var tet: [Double]
        var defined: [Bool]
        var m: Int
    }

    static func tables(_ pw: PairwiseStatistics) -> SampleTables {
        let m = pw.m
        let n = pw.n
        // (n − errors)/n, not 1 − errors/n: the two round differently, and a vote that ties its best
        // member must give g = 0 exactly
        let accuracy = (0..<m).map { Double(n - Int(pw.gram[$0 * m + $0])) / Double(n) }
        return SampleTables(accuracy: accuracy, phi: pw.phi, tet: pw.r, defined: pw.status.map(\.isDefined), m: m)
    }

    /// One pass over the subsets of a sample: means, the fits, and (full sample) the per-model
    /// accumulators of the jackknife.
    static func fit(
        engine e: VoteEngine, tables t: SampleTables, n: Int, counts: (Int) -> ArraySlice<Double>,
        jackknife: inout [JackknifeAccumulator]?, gainByModel: inout (sum: [Double], count: [Int])?,
        rows: inout [SubsetRow]?
    ) -> VoteFit {
        let k = e.k
        let corr = e.options.correlations
        let p = e.options.control == .headroom ? 3 : 2
        var accs = corr.map { _ in JackknifeAccumulator(p: p, models: t.m) }
        var fit = VoteFit()
        var phiSum = 0.0
        var tetSum = 0.0
        var defined = 0
        let dn = Double(n)
        let pairs = Double(k * (k - 1) / 2)
        let wantModel = jackknife != nil
        e.forEachSubset { u, mem in
            let c = counts(u)
            let aV = c[c.startIndex] / dn
            let aU = (c[c.startIndex + 1] + c[c.startIndex + 2] / Double(k)) / dn
            let oracle = c[c.startIndex + 3] / dn
            var best = mem[0]
            var sumAcc = 0.0
            for i in mem {
                sumAcc += t.accuracy[i]
                if t.accuracy[i] > t.accuracy[best] {
                    best = i
                }
            }
            let aBest = t.accuracy[best]
            let meanAcc = sumAcc / Double(k)
            let g = aV - aBest
            let h = aBest - meanAcc
            fit.subsets += 1
            fit.meanVote += aV
            fit.meanUpper += aU
            fit.meanBest += aBest
            fit.meanGain += g
            fit.meanGainUpper += aU - aBest
            fit.meanHeadroom += h
            fit.meanOracle += oracle
            if g > 0 {
                fit.positive += 1
            } else if g < 0 {
                fit.negative += 1
            }
            if wantModel {
                for i in mem {
                    gainByModel!.sum[i] += g
                    gainByModel!.count[i] += 1
                }
            }
            var ok = true
            var sPhi = 0.0
            var sTet = 0.0
            for a in 0..<k {
                for b in (a + 1)..<k {
                    let ij = mem[a] * t.m + mem[b]
                    if !t.defined[ij] {
                        ok = false
                    }
                    sPhi += t.phi[ij]
                    sTet += t.tet[ij]
                }
            }
            let rPhi = ok ? sPhi / pairs : nil
            let rTet = ok ? sTet / pairs : nil
            if ok {
                defined += 1
                phiSum += rPhi!
                tetSum += rTet!
                for (ci, which) in corr.enumerated() {
                    accs[ci].add(which == .phi ? rPhi! : rTet!, h, g, members: mem, perModel: wantModel)
                }
            }
            if rows != nil {
                rows!.append(
                    SubsetRow(
                        members: mem, vote: aV, upper: aU, oracle: oracle, best: best,
                        bestAccuracy: aBest, meanAccuracy: meanAcc, gain: g, gainUpper: aU - aBest,
                        headroom: h, phi: rPhi, tetrachoric: rTet))
            }
        }
        let ns = Double(max(fit.subsets, 1))
        fit.meanVote /= ns
        fit.meanUpper /= ns
        fit.meanBest /= ns
        fit.meanGain /= ns
        fit.meanGainUpper /= ns
        fit.meanHeadroom /= ns
        fit.meanOracle /= ns
        fit.meanPhi = defined > 0 ? phiSum / Double(defined) : nil
        fit.meanTetrachoric = defined > 0 ? tetSum / Double(defined) : nil
        for a in accs {
            var r = VoteFit.Regression(coefficientCount: p, used: a.count, excluded: fit.subsets - a.count)
            if a.count >= p + 1, let sol = solveNormalEquations(a.xtx, a.xtg, p: p) {
                let b = sol.x
                var rss = a.gtg
                for i in 0..<p {
                    rss -= 2 * b[i] * a.xtg[i]
                    for j in 0..<p {
                        rss += b[i] * a.xtx[i * p + j] * b[j]
                    }
                }
                rss = max(rss, 0)
                let tss = a.gtg - a.gsum * a.gsum / Double(a.count)
                r.coefficients = b
                r.rSquared = tss > 0 ? 1 - rss / tss : nil
                let s2 = rss / Double(a.count - p)
                r.olsSE = sol.inverseDiagonal.map { (s2 * $0).squareRoot() }
            }
            fit.regressions.append(r)
        }
        if wantModel {
            jackknife = accs
        }
        return fit
    }

    /// Runs the summary of a completed vote table: the full-sample fit with its jackknife, and
    /// the naive query bootstrap read from the replicate units.
    public init(engine e: VoteEngine, table: UnitTable, keepRows: Bool = false) throws {
        let x = e.matrix
        let o = e.options
        let pw = try PairwiseStatistics(x, correction: o.correction)
        let t = VoteSummary.tables(pw)
        var jk: [JackknifeAccumulator]? = []
        var byModel: (sum: [Double], count: [Int])? = (Array(repeating: 0, count: x.m), Array(repeating: 0, count: x.m))
        var rowList: [SubsetRow]? = keepRows ? [] : nil
        let cols = e.columns.count
        let values = table.values
        let fit = VoteSummary.fit(
            engine: e, tables: t, n: x.n, counts: { values[$0 * cols..<$0 * cols + 4] },
            jackknife: &jk, gainByModel: &byModel, rows: &rowList)
        nQueries = x.n
        nModels = x.m
        subsetSize = e.k
        subsetsTotal = e.subsetsTotal
        subsets = e.subsetCount
        enumeration = e.enumeration
        degenerateModels = pw.degenerateModels.map { x.modelNames[$0.index] }
        zeroCellPairs = pw.correctedPairs
        meanVoteAccuracy = fit.meanVote
        meanVoteAccuracyUpper = fit.meanUpper
        meanBestMemberAccuracy = fit.meanBest
        meanVoteGain = fit.meanGain
        meanVoteGainUpper = fit.meanGainUpper
        sharePositiveGain = Double(fit.positive) / Double(fit.subsets)
        shareNegativeGain = Double(fit.negative) / Double(fit.subsets)
        meanHeadroom = fit.meanHeadroom
        let noDefined = "every subset has a member that is never or always wrong"
        meanSubsetPhi = fit.meanPhi.map(Quantity.defined) ?? .undefined(noDefined)
        meanSubsetTetrachoric = fit.meanTetrachoric.map(Quantity.defined) ?? .undefined(noDefined)
        meanSubsetOracleAccuracy = fit.meanOracle
        poolBestAccuracy = t.accuracy.max() ?? 0
        let poolCounts = try VoteKernel.counts(e.correct, words: x.words, members: Array(0..<x.m), k: x.m)
        poolVoteAccuracy = Double(poolCounts[0]) / Double(x.n)
        errorRates = (0..<x.m).map { pw.errorRate($0) }
        poolMeanTetrachoric = Quantity(value: pw.meanTetrachoric.value, reason: pw.meanTetrachoric.reason)
        rows = rowList ?? []
        alpha = o.alpha
        replicates = o.replicates

        // jackknife of the mean gain: clusters are the models in some subset
        let gm = byModel!
        let clusters = (0..<x.m).filter { gm.count[$0] > 0 }
        jackknifeClusters = clusters.count
        let totalGain = gm.sum.reduce(0, +) / Double(e.k)
        let tq: Double? =
            clusters.count >= 2
            ? try StudentKernel.quantile(1 - o.alpha / 2, degreesOfFreedom: Double(clusters.count - 1)) : nil
        tQuantile = tq.map(Quantity.defined) ?? .undefined("fewer than two models (clusters)")
        let gainLeaveOut: [Double]? =
            clusters.count >= 2 && clusters.allSatisfy({ fit.subsets - gm.count[$0] > 0 })
            ? clusters.map { (totalGain - gm.sum[$0]) / Double(fit.subsets - gm.count[$0]) } : nil
        if let gainLeaveOut, let tq {
            let (se, _) = VoteSummary.jackknifeSE(gainLeaveOut)
            gainJackknifeSE = .defined(se)
            gainJackknifeLo = .defined(fit.meanGain - tq * se)
            gainJackknifeHi = .defined(fit.meanGain + tq * se)
        } else {
            let why =
                clusters.count < 2
                ? "fewer than two models (clusters)"
                : "some model belongs to every subset: leaving it out leaves no subset"
            gainJackknifeSE = .undefined(why)
            gainJackknifeLo = .undefined(why)
            gainJackknifeHi = .undefined(why)
        }

        // naive query bootstrap: the replicate units after the subsets
        let boot = (0..<o.replicates).map { r in
            VoteFit(values: Array(table.row(e.subsetCount + r)), engine: e)
        }
        var bootGain = boot.map(\.meanGain).sorted()
        if bootGain.count >= 2 {
            gainBootstrapSE = .defined(sampleStandardDeviation(bootGain))
            let (lo, hi) = BootstrapInterval.percentile(bootGain, alpha: o.alpha)
            gainCILo = .defined(lo)
            gainCIHi = .defined(hi)
        } else {
            let why = o.replicates == 0 ? "bootstrap not requested (0 replicates)" : "fewer than two replicates"
            gainBootstrapSE = .undefined(why)
            gainCILo = .undefined(why)
            gainCIHi = .undefined(why)
        }
        bootGain.removeAll()

        let terms = o.control == .headroom ? ["intercept", "correlation", "headroom"] : ["intercept", "correlation"]
        let p = terms.count
        var regs: [Regression] = []
        for (ci, which) in o.correlations.enumerated() {
            let full = fit.regressions[ci]
            let acc = jk![ci]
            let regClusters = (0..<x.m).filter { acc.perModelCount[$0] > 0 }
            var leaveOut: [[Double]]? = []
            var reason: String?
            if regClusters.count < 2 {
                reason = "fewer than two models (clusters) in the regression sample"
            } else {
                for i in regClusters {
                    let left = acc.count - acc.perModelCount[i]
                    let a = zip(acc.xtx, acc.perModelXtX[i]).map { $0 - $1 }
                    let b = zip(acc.xtg, acc.perModelXtG[i]).map { $0 - $1 }
                    guard left >= p + 1, let sol = solveNormalEquations(a, b, p: p) else {
                        reason =
                            "leaving out \(x.modelNames[i]) leaves fewer than \(p + 1) subsets or a "
                            + "rank-deficient design"
                        break
                    }
                    leaveOut!.append(sol.x)
                }
            }
            if reason != nil || full.coefficients == nil {
                leaveOut = nil
                reason = reason ?? "the full-sample fit is undefined (too few subsets or a rank-deficient design)"
            }
            let rtq: Double? =
                regClusters.count >= 2
                ? try StudentKernel.quantile(1 - o.alpha / 2, degreesOfFreedom: Double(regClusters.count - 1)) : nil
            let bootFits = boot.compactMap { $0.regressions[ci].coefficients }
            var coefs: [Coefficient] = []
            for (j, term) in terms.enumerated() {
                var c = Coefficient(term: term, estimate: full.coefficients?[j], olsSE: full.olsSE?[j])
                if let leaveOut, let est = full.coefficients?[j], let rtq {
                    let (se, mean) = VoteSummary.jackknifeSE(leaveOut.map { $0[j] })
                    c.jackknifeSE = se
                    c.jackknifeMean = mean
                    c.jackknifeLo = est - rtq * se
                    c.jackknifeHi = est + rtq * se
                }
                if bootFits.count >= 2 {
                    let v = bootFits.map { $0[j] }.sorted()
                    c.bootstrapSE = sampleStandardDeviation(v)
                    let (lo, hi) = BootstrapInterval.percentile(v, alpha: o.alpha)
                    c.ciLo = lo
                    c.ciHi = hi
                }
                coefs.append(c)
            }
            let slope = coefs[1]
            regs.append(
                Regression(
                    correlation: which, control: o.control, used: full.used, excluded: full.excluded,
                    rSquared: full.rSquared, clusters: regClusters.count,
                    bootstrapUndefined: boot.count - bootFits.count,
                    coefficients: coefs, jackknifeReason: leaveOut == nil ? reason : nil,
                    slopeJackknifeExcludesZero: slope.jackknifeLo.map { lo in lo > 0 || slope.jackknifeHi! < 0 },
                    slopeBootstrapExcludesZero: slope.ciLo.map { lo in lo > 0 || slope.ciHi! < 0 }))
        }
        regressions = regs
    }

    /// V_J = ((G − 1)/G) Σ (θ_(i) − θ̄)²; returns (√V_J, θ̄).
    static func jackknifeSE(_ leaveOut: [Double]) -> (Double, Double) {
        let g = Double(leaveOut.count)
        let mean = leaveOut.reduce(0, +) / g
        let ss = leaveOut.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (((g - 1) / g * ss).squareRoot(), mean)
    }

    /// Replicate r of the naive i.i.d. query bootstrap: the queries resampled from the resampling
    /// stream of unit r, everything refitted on the same subsets (a pure function of r).
    static func replicate(_ r: Int, engine e: VoteEngine) throws -> VoteFit {
        let x = e.matrix
        let key = RandomKey(seed: e.options.seed, domain: .resample, unit: UInt64(r))
        let idx = key.resampleIndices(x.n)
        let xr = try x.resampled(idx, rows: e.rows)
        let correct = VoteEngine.correctBits(xr)
        let pw = try PairwiseStatistics(xr, correction: e.options.correction, warmStart: e.warm)
        let t = VoteSummary.tables(pw)
        var counts: [Double] = []
        counts.reserveCapacity(e.subsetCount * 4)
        let chunk = 65_536
        var start = 0
        while start < e.subsetCount {
            let end = min(e.subsetCount, start + chunk)
            var members: [Int] = []
            members.reserveCapacity((end - start) * e.k)
            e.forEachSubset(from: start, to: end) { _, mem in
                members.append(contentsOf: mem)
            }
            counts.append(
                contentsOf: try VoteKernel.counts(correct, words: x.words, members: members, k: e.k)
                    .map(Double.init))
            start = end
        }
        var none: [JackknifeAccumulator]?
        var noModel: (sum: [Double], count: [Int])?
        var noRows: [SubsetRow]?
        return VoteSummary.fit(
            engine: e, tables: t, n: x.n, counts: { counts[$0 * 4..<$0 * 4 + 4] },
            jackknife: &none, gainByModel: &noModel, rows: &noRows)
    }
}
