import Foundation

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

/// One subset of a sample: its members and what `--subsets-out` and the plot show of it.
public struct VoteSubsetRow: Sendable {
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

extension VoteFit {

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
        rows: inout [VoteSubsetRow]?
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
                    VoteSubsetRow(
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

    /// Replicate r of the naive i.i.d. query bootstrap: the queries resampled from the resampling
    /// stream of unit r, everything refitted on the same subsets (a pure function of r).
    static func replicate(_ r: Int, engine e: VoteEngine) throws -> VoteFit {
        let x = e.matrix
        let key = RandomKey(seed: e.options.seed, domain: .resample, unit: UInt64(r))
        let idx = key.resampleIndices(x.n)
        let xr = try x.resampled(idx, rows: e.rows)
        let correct = VoteEngine.correctBits(xr)
        let pw = try PairwiseStatistics(xr, correction: e.options.correction, warmStart: e.warm)
        let t = VoteFit.tables(pw)
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
        var noRows: [VoteSubsetRow]?
        return VoteFit.fit(
            engine: e, tables: t, n: x.n, counts: { counts[$0 * 4..<$0 * 4 + 4] },
            jackknife: &none, gainByModel: &noModel, rows: &noRows)
    }
}
