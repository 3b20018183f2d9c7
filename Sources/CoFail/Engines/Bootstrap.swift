import Foundation

/// Statistics a bootstrap replicate recomputes (METHODS §6).
public enum BootstrapStatistic: String, Sendable, CaseIterable {
    case beta
    case best_accuracy
    case oracle_gain
    case mean_phi
    case mean_tetrachoric
    case beta_sf_tetrachoric
    case underpricing_tetrachoric
    case implied_rho
    case beta_clayton
    case beta_full

    public static let standard: [BootstrapStatistic] = [
        .beta, .best_accuracy, .oracle_gain, .mean_phi, .mean_tetrachoric, .beta_sf_tetrachoric,
        .underpricing_tetrachoric, .implied_rho,
    ]

    /// What the pipeline must compute for this statistic.
    var requirement: StatisticSet {
        switch self {
        case .beta, .best_accuracy, .oracle_gain: return []
        case .mean_phi, .mean_tetrachoric: return .pairwise
        case .beta_sf_tetrachoric, .underpricing_tetrachoric: return .tetrachoricSF
        case .implied_rho: return .impliedRho
        case .beta_clayton: return .clayton
        case .beta_full: return .full
        }
    }

    /// The statistic's value in one unit's results; NaN marks an undefined value.
    func value(in s: UnitStatistics) -> Double {
        switch self {
        case .beta: return s.beta
        case .best_accuracy: return s.bestAccuracy
        case .oracle_gain: return s.oracleGain
        case .mean_phi: return s.pairwise?.meanPhi.value ?? .nan
        case .mean_tetrachoric: return s.pairwise?.meanTetrachoric.value ?? .nan
        case .beta_sf_tetrachoric: return s.betaSFTetrachoric.valueOrNaN
        case .underpricing_tetrachoric: return s.underpricingTetrachoric.valueOrNaN
        case .implied_rho: return s.impliedRho.valueOrNaN
        case .beta_clayton: return s.betaClayton.valueOrNaN
        case .beta_full: return s.full?.betaFull.valueOrNaN ?? .nan
        }
    }
}

/// Joint bootstrap of the co-failure statistics (METHODS §6): queries resampled with
/// replacement from the resampling stream of replicate r, so any thread count or shard split
/// gives the same replicate values. Each replicate runs the one statistics pipeline at
/// `Precision.replicate`; the point estimates use `Precision.report`.
public struct Bootstrap: Sendable {
    public var matrix: OutcomeMatrix
    public var stats: [BootstrapStatistic]
    public var seed: UInt64
    public var correction: Bool
    /// Tolerances of the replicates (β_full: `fullPoints` tilted points per replicate).
    public var precision: Precision
    let request: StatisticSet
    /// Full-sample tetrachoric roots, linearised: the warm start of every replicate's fits.
    let warm: TetrachoricWarmStart?
    /// Full-sample ρ* and its derivatives: each replicate's root search starts from a prediction.
    let rhoStart: SingleFactor.ImpliedRhoStart?
    /// One factor workspace per concurrently running replicate.
    let workspaces: WorkspacePool
    /// The matrix query by query: what each replicate gathers from.
    let rows: BitTables.Rows

    public init(
        _ x: OutcomeMatrix, stats: [BootstrapStatistic], seed: UInt64, correction: Bool = true,
        fullPoints: Int = 5000, fullRelError: Double = Precision.replicate.fullRelError
    ) throws {
        matrix = x
        self.stats = stats
        self.seed = seed
        self.correction = correction
        var p = Precision.replicate
        p.qmcPoints = max(1, fullPoints / p.qmcShifts)
        p.fullRelError = fullRelError
        precision = p
        request = stats.reduce(into: StatisticSet()) { $0.formUnion($1.requirement) }
        workspaces = WorkspacePool(models: x.m)
        rows = try x.queryRows()
        warm =
            request.needsPairwise
            ? try TetrachoricWarmStart(
                PairwiseStatistics(x, correction: correction), rootTolerance: p.tetrachoricRootTol) : nil
        if request.contains(.impliedRho) {
            let counts = try SampleCounts(x)
            let beta = Double(counts.k) / Double(counts.n)
            let rho = try SingleFactor.impliedRho(counts.errorRates, beta: beta)
            rhoStart = try SingleFactor.ImpliedRhoStart(errorRates: counts.errorRates, beta: beta, rho: rho)
        } else {
            rhoStart = nil
        }
    }

    /// The statistics of the full sample, at the precision of `analyze` (no crude Monte Carlo).
    public func estimate() throws -> [Double] {
        var p = Precision.report
        p.crudeDraws = 0
        return try statistics(matrix, unit: UnitContext.fullSample, precision: p)
    }

    /// Statistics of replicate r.
    public func replicate(_ r: Int) throws -> [Double] {
        let key = RandomKey(seed: seed, domain: .resample, unit: UInt64(r))
        return try statistics(
            matrix.resampled(key.resampleIndices(matrix.n), rows: rows), unit: UInt64(r), precision: precision)
    }

    /// Grouped jackknife (group g = queries q with q % G == g, G = min(n, 200)) for the BCa
    /// acceleration: O(G) evaluations instead of O(n).
    public func jackknife() throws -> [[Double]] {
        let n = matrix.n
        let groups = min(n, 200)
        guard groups >= 2 else {
            return []
        }
        return try (0..<groups).map { g in
            let keep = (0..<n).filter { $0 % groups != g }.map(UInt32.init)
            return try statistics(
                matrix.resampled(keep, rows: rows), unit: UnitContext.fullSample - 1 - UInt64(g),
                precision: precision)
        }
    }

    /// One statistic vector; NaN marks an undefined value (summaries report them as such).
    func statistics(_ x: OutcomeMatrix, unit: UInt64, precision: Precision) throws -> [Double] {
        var context = UnitContext(
            precision: precision, correction: correction, seed: seed, unit: unit,
            warmStart: warm, impliedRhoStart: rhoStart)
        context.workspaces = workspaces
        let s = try UnitStatistics(try SampleCounts(x), computing: request, context: context)
        return stats.map { $0.value(in: s) }
    }
}

/// Interval conventions (README "Bootstrap"): quantiles by linear interpolation between order
/// statistics (R type 7, numpy "linear"); BCa bias correction z0 = Φ⁻¹(mid-rank share of
/// replicates below the estimate, ties counted half), acceleration from the jackknife.
public enum BootstrapInterval {
    /// The smallest interval risk α accepted: below it 1 − α/2 is no longer distinct from 1 in
    /// double precision to the digits a quantile needs.
    public static let minAlpha = 1e-10

    /// Whether α is a usable interval risk: in [`minAlpha`, 1).
    public static func isValid(alpha: Double) -> Bool {
        alpha >= minAlpha && alpha < 1
    }

    public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let h = Double(sorted.count - 1) * q
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    public static func percentile(_ sorted: [Double], alpha: Double) -> (Double, Double) {
        (quantile(sorted, alpha / 2), quantile(sorted, 1 - alpha / 2))
    }

    /// BCa interval, or the reason it is undefined.
    public static func bca(
        _ sorted: [Double], estimate: Double, jackknife: [Double], alpha: Double
    ) -> Result<(Double, Double), BCaUndefined> {
        guard estimate.isFinite else { return .failure(.init(reason: "the full-sample estimate is undefined")) }
        let below = Double(sorted.filter { $0 < estimate }.count)
        let equal = Double(sorted.filter { $0 == estimate }.count)
        let share = (below + 0.5 * equal) / Double(sorted.count)
        guard share > 0, share < 1 else {
            return .failure(
                .init(reason: "every replicate lies on one side of the estimate (bias correction infinite)"))
        }
        let z0 = Normal.quantile(share)
        let jk = jackknife.filter(\.isFinite)
        guard jk.count >= 2 else { return .failure(.init(reason: "fewer than two defined jackknife values")) }
        let mean = jk.reduce(0, +) / Double(jk.count)
        let d = jk.map { mean - $0 }
        let s2 = d.reduce(0) { $0 + $1 * $1 }
        let s3 = d.reduce(0) { $0 + $1 * $1 * $1 }
        let a = s2 > 0 ? s3 / (6 * pow(s2, 1.5)) : 0
        func adj(_ q: Double) -> Double {
            let z = Normal.quantile(q)
            return Normal.cdf(z0 + (z0 + z) / (1 - a * (z0 + z)))
        }
        let (q1, q2) = (adj(alpha / 2), adj(1 - alpha / 2))
        guard q1.isFinite, q2.isFinite else {
            return .failure(.init(reason: "acceleration makes the adjusted levels undefined"))
        }
        return .success((quantile(sorted, q1), quantile(sorted, q2)))
    }

    public struct BCaUndefined: Error { public var reason: String }
}
