import Foundation

/// Everything `cofail vote` reports from one sample, with the jackknife and bootstrap of the
/// full sample (METHODS §11.3–§11.6).
public struct VoteSummary: Sendable {
    public struct Coefficient: Sendable {
        public internal(set) var term: String
        public internal(set) var estimate: Double?
        public internal(set) var olsSE: Double?
        public internal(set) var jackknifeSE: Double?
        public internal(set) var jackknifeLo: Double?
        public internal(set) var jackknifeHi: Double?
        public internal(set) var jackknifeMean: Double?
        public internal(set) var bootstrapSE: Double?
        public internal(set) var ciLo: Double?
        public internal(set) var ciHi: Double?
    }

    public struct Regression: Sendable {
        public internal(set) var correlation: VoteCorrelation
        public internal(set) var control: VoteControl
        public internal(set) var used: Int
        public internal(set) var excluded: Int
        public internal(set) var rSquared: Double?
        public internal(set) var clusters: Int
        public internal(set) var bootstrapUndefined: Int
        public internal(set) var coefficients: [Coefficient]
        /// Why the jackknife is undefined, when it is.
        public internal(set) var jackknifeReason: String?
        public internal(set) var slopeJackknifeExcludesZero: Bool?
        public internal(set) var slopeBootstrapExcludesZero: Bool?
    }

    public internal(set) var nQueries: Int
    public internal(set) var nModels: Int
    public internal(set) var subsetSize: Int
    public internal(set) var subsetsTotal: Double
    public internal(set) var subsets: Int
    public internal(set) var enumeration: String
    public internal(set) var degenerateModels: [String]
    public internal(set) var zeroCellPairs: Int
    public internal(set) var meanVoteAccuracy: Double
    public internal(set) var meanVoteAccuracyUpper: Double
    public internal(set) var meanBestMemberAccuracy: Double
    public internal(set) var meanVoteGain: Double
    public internal(set) var meanVoteGainUpper: Double
    public internal(set) var sharePositiveGain: Double
    public internal(set) var shareNegativeGain: Double
    public internal(set) var meanHeadroom: Double
    public internal(set) var meanSubsetPhi: Quantity
    public internal(set) var meanSubsetTetrachoric: Quantity
    public internal(set) var meanSubsetOracleAccuracy: Double
    public internal(set) var poolBestAccuracy: Double
    public internal(set) var poolVoteAccuracy: Double
    public internal(set) var jackknifeClusters: Int
    public internal(set) var tQuantile: Quantity
    public internal(set) var gainJackknifeSE: Quantity
    public internal(set) var gainJackknifeLo: Quantity
    public internal(set) var gainJackknifeHi: Quantity
    public internal(set) var replicates: Int
    public internal(set) var gainBootstrapSE: Quantity
    public internal(set) var gainCILo: Quantity
    public internal(set) var gainCIHi: Quantity
    public internal(set) var regressions: [Regression]
    public internal(set) var alpha: Double
    /// Per subset rows for `--subsets-out` and the plot: members, a_V, a_U, oracle, best member,
    /// a_best, mean accuracy, g, g_U, h, ρ̄_φ, ρ̄_tet.
    public internal(set) var rows: [SubsetRow]
    /// The pool's mean error, mean tetrachoric r and per-model error rates (majority floor).
    public internal(set) var errorRates: [Double]
    public internal(set) var poolMeanTetrachoric: Quantity

    public typealias SubsetRow = VoteSubsetRow
    /// Runs the summary of a completed vote table: the full-sample fit with its jackknife, and
    /// the naive query bootstrap read from the replicate units.
    public init(engine e: VoteEngine, table: UnitTable, keepRows: Bool = false) throws {
        let x = e.matrix
        let o = e.options
        let pw = try PairwiseStatistics(x, correction: o.correction)
        let t = VoteFit.tables(pw)
        var jk: [JackknifeAccumulator]? = []
        var byModel: (sum: [Double], count: [Int])? = (Array(repeating: 0, count: x.m), Array(repeating: 0, count: x.m))
        var rowList: [SubsetRow]? = keepRows ? [] : nil
        let cols = e.columns.count
        let values = table.values
        let fit = VoteFit.fit(
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
        if let spread = BootstrapInterval.spread(boot.map(\.meanGain).sorted(), alpha: o.alpha) {
            gainBootstrapSE = .defined(spread.se)
            gainCILo = .defined(spread.lo)
            gainCIHi = .defined(spread.hi)
        } else {
            let why = o.replicates == 0 ? "bootstrap not requested (0 replicates)" : "fewer than two replicates"
            gainBootstrapSE = .undefined(why)
            gainCILo = .undefined(why)
            gainCIHi = .undefined(why)
        }

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
                if let spread = BootstrapInterval.spread(bootFits.map { $0[j] }.sorted(), alpha: o.alpha) {
                    c.bootstrapSE = spread.se
                    c.ciLo = spread.lo
                    c.ciHi = spread.hi
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

}

/// The majority floor (METHODS §11.7) and break-even size (§14.1) of a single-factor ensemble
/// calibrated to a vote pool: its mean error p̄ and mean tetrachoric ρ̄_tet, beside the pool's
/// observed majority error. Undefined, with the reason, when ρ̄_tet is undefined or ≤ 0 or p̄ is 0 or 1.
public struct VotePoolFloor: Sendable {
    public static let calibration = "mean error p̄, mean tetrachoric ρ̄_tet"

    public let floor: MajorityFloor?
    public let reason: String?
    /// The pool's majority-vote error.
    public let observedError: Double
    /// The single-factor majority error of the pool's own error rates (Poisson-binomial).
    public let heterogeneousError: Double?
    /// The same for m symmetric members of error p̄.
    public let symmetricError: Double?
    /// With a cost ratio: the break-even ensemble size.
    public let breakEven: BreakEven?

    public init(_ summary: VoteSummary, costRatio: Double?) throws {
        let p = summary.errorRates.reduce(0, +) / Double(max(1, summary.errorRates.count))
        let rho = summary.poolMeanTetrachoric
        observedError = 1 - summary.poolVoteAccuracy
        guard let r = rho.value, r > 0, p > 0, p < 1 else {
            floor = nil
            heterogeneousError = nil
            symmetricError = nil
            breakEven = nil
            reason =
                rho.value == nil
                ? "mean tetrachoric is undefined: \(rho.reason ?? "")"
                : "mean tetrachoric ≤ 0 (or p̄ at 0 or 1): no single-factor representation"
            return
        }
        let rc = min(r, 1)
        floor = try MajorityFloor(error: p, rho: rc)
        heterogeneousError = try MajorityFloor.poolError(errors: summary.errorRates, rho: rc)
        symmetricError = try MajorityFloor.poolError(error: p, rho: rc, members: summary.nModels)
        breakEven = try costRatio.map { try BreakEven(error: p, rho: rc, costRatio: $0) }
        reason = nil
    }
}
