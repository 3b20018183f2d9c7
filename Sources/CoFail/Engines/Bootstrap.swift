import CKernels
import Foundation

/// Statistics a bootstrap replicate recomputes (METHODS §6).
public enum BootstrapStatistic: String, Sendable, CaseIterable {
    case beta, best_accuracy, oracle_gain, mean_phi, mean_tetrachoric, beta_sf_tetrachoric, underpricing_tetrachoric, implied_rho
    case beta_clayton, beta_full
    public static let standard: [BootstrapStatistic] = [.beta, .best_accuracy, .oracle_gain, .mean_phi, .mean_tetrachoric,
                                                        .beta_sf_tetrachoric, .underpricing_tetrachoric, .implied_rho]
    /// Statistics that need the pairwise tables and tetrachoric fit of the replicate.
    static let needsPairwise: Set<BootstrapStatistic> = [.mean_phi, .mean_tetrachoric, .beta_sf_tetrachoric, .underpricing_tetrachoric, .beta_clayton, .beta_full]
}

/// Joint bootstrap of the co-failure statistics (METHODS §6): queries resampled with
/// replacement; replicate r uses Philox stream (seed, r), so any thread count or shard split
/// gives the same replicate values.
public struct Bootstrap: Sendable {
    public var matrix: OutcomeMatrix
    public var stats: [BootstrapStatistic]
    public var seed: UInt64
    public var correction: Bool
    /// Tilted-estimator points for β_full per replicate (10 random shifts of points/10).
    public var fullPoints: Int
    /// Full-sample tetrachoric roots, linearised: the warm start of every replicate's fits.
    let warm: TetrachoricWarmStart?
    /// Full-sample ρ*: brackets each replicate's root search.
    let rhoHint: Double

    public init(_ x: OutcomeMatrix, stats: [BootstrapStatistic], seed: UInt64, correction: Bool = true, fullPoints: Int = 10_000) throws {
        matrix = x; self.stats = stats; self.seed = seed; self.correction = correction; self.fullPoints = fullPoints
        warm = stats.contains(where: BootstrapStatistic.needsPairwise.contains) ? try TetrachoricWarmStart(PairwiseStatistics(x, correction: correction, threads: 1)) : nil
        if stats.contains(.implied_rho) {
            let n = Double(x.n)
            rhoHint = try CopulaModels.impliedRho((0..<x.m).map { Double(x.errorCount($0)) / n }, beta: Double(try x.allWrong()) / n).value ?? .nan
        } else { rhoHint = .nan }
    }

    /// The statistics of the full sample, at the strict tolerances of `analyze`.
    public func estimate() throws -> [Double] { try statistics(matrix, strict: true) }

    /// Statistics of replicate r.
    public func replicate(_ r: Int) throws -> [Double] {
        let n = matrix.n
        var idx = [UInt32](repeating: 0, count: n)
        cf_rng_bootstrap_indices(seed, UInt64(r), n, &idx)
        return try statistics(resampled(idx))
    }

    /// Grouped jackknife (group g = queries q with q % G == g, G = min(n, 200)) for the BCa
    /// acceleration: O(G) evaluations instead of O(n).
    public func jackknife() throws -> [[Double]] {
        let n = matrix.n, groups = min(n, 200)
        guard groups >= 2 else { return [] }
        return try (0..<groups).map { g in
            let keep = (0..<n).filter { $0 % groups != g }.map(UInt32.init)
            return try statistics(resampled(keep))
        }
    }

    func resampled(_ idx: [UInt32]) throws -> OutcomeMatrix {
        let w = (idx.count + 63) / 64
        var out = [UInt64](repeating: 0, count: matrix.m * w)
        try matrix.errors.withUnsafeBufferPointer { e in
            try check(cf_tables_gather(e.baseAddress, matrix.words, matrix.m, idx, idx.count, &out), "cf_tables_gather")
        }
        return OutcomeMatrix(modelNames: matrix.modelNames, queryIDs: Array(repeating: "", count: idx.count), families: matrix.families, errors: out)
    }

    /// One statistic vector; NaN marks an undefined value (summaries report them as such).
    func statistics(_ x: OutcomeMatrix, strict: Bool = false) throws -> [Double] {
        let n = Double(x.n)
        let k = try x.allWrong()
        let beta = Double(k) / n
        let p = (0..<x.m).map { Double(x.errorCount($0)) / n }
        let best = p.map { 1 - $0 }.max()!
        let pw = stats.contains(where: BootstrapStatistic.needsPairwise.contains) ? try PairwiseStatistics(x, correction: correction, threads: 1, warmStart: warm) : nil
        var logSF: Double?
        if let r = pw?.meanTetrachoric.value, r >= 0, stats.contains(where: { $0 == .beta_sf_tetrachoric || $0 == .underpricing_tetrachoric }) {
            logSF = try CopulaModels.logBetaSF(p, rho: r, relTol: strict ? 1e-10 : 1e-7)
        }
        return try stats.map { s in
            switch s {
            case .beta: return beta
            case .best_accuracy: return best
            case .oracle_gain: return Double(x.n - k) / n - best
            case .mean_phi: return pw?.meanPhi.value ?? .nan
            case .mean_tetrachoric: return pw?.meanTetrachoric.value ?? .nan
            case .beta_sf_tetrachoric: return logSF.map(exp) ?? .nan
            case .underpricing_tetrachoric:
                guard let l = logSF, l > -.infinity else { return .nan }
                return beta == 0 ? 0 : exp(log(beta) - l)
            case .implied_rho:
                if strict { return try CopulaModels.impliedRho(p, beta: beta).value ?? .nan }
                // β_SF to 1e-7 (ρ then to ~1e-8): far below the replicate-to-replicate spread
                var rho = 0.0, why: Int32 = 0
                try check(cf_factor_implied_rho_tol(p, p.count, beta > 0 ? log(beta) : -.infinity, 1e-7, 1e-9, rhoHint, &rho, &why), "cf_factor_implied_rho_tol")
                return Int(why) == CF_RHO_OK ? rho : .nan
            case .beta_clayton:
                guard let pw else { return .nan }
                return try CopulaModels.clayton(errorRates: p, meanCoError: pw.meanCoError, beta: beta).1.value ?? .nan
            case .beta_full:
                var o = AnalysisOptions()
                o.draws = 0; o.seed = seed; o.qmcPoints = max(1, fullPoints / 10); o.qmcShifts = 10; o.threads = 1
                guard let pw else { return .nan }
                return try FullCopula(pairwise: pw, errorRates: p, beta: beta, options: o).betaFull.value ?? .nan
            }
        }
    }
}

/// Interval conventions (README "Bootstrap"): quantiles by linear interpolation between order
/// statistics (R type 7, numpy "linear"); BCa bias correction z0 = Φ⁻¹(mid-rank share of
/// replicates below the estimate, ties counted half), acceleration from the jackknife.
public enum BootstrapInterval {
    public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let h = Double(sorted.count - 1) * q
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    public static func percentile(_ sorted: [Double], alpha: Double) -> (Double, Double) {
        (quantile(sorted, alpha / 2), quantile(sorted, 1 - alpha / 2))
    }

    /// BCa interval, or the reason it is undefined.
    public static func bca(_ sorted: [Double], estimate: Double, jackknife: [Double], alpha: Double) -> Result<(Double, Double), BCaUndefined> {
        guard estimate.isFinite else { return .failure(.init(reason: "the full-sample estimate is undefined")) }
        let below = Double(sorted.filter { $0 < estimate }.count), equal = Double(sorted.filter { $0 == estimate }.count)
        let share = (below + 0.5 * equal) / Double(sorted.count)
        guard share > 0, share < 1 else { return .failure(.init(reason: "every replicate lies on one side of the estimate (bias correction infinite)")) }
        let z0 = cf_norm_quantile(share)
        let jk = jackknife.filter(\.isFinite)
        guard jk.count >= 2 else { return .failure(.init(reason: "fewer than two defined jackknife values")) }
        let mean = jk.reduce(0, +) / Double(jk.count)
        let d = jk.map { mean - $0 }
        let s2 = d.reduce(0) { $0 + $1 * $1 }, s3 = d.reduce(0) { $0 + $1 * $1 * $1 }
        let a = s2 > 0 ? s3 / (6 * pow(s2, 1.5)) : 0
        func adj(_ q: Double) -> Double {
            let z = cf_norm_quantile(q)
            return cf_norm_cdf(z0 + (z0 + z) / (1 - a * (z0 + z)))
        }
        let (q1, q2) = (adj(alpha / 2), adj(1 - alpha / 2))
        guard q1.isFinite, q2.isFinite else { return .failure(.init(reason: "acceleration makes the adjusted levels undefined")) }
        return .success((quantile(sorted, q1), quantile(sorted, q2)))
    }

    public struct BCaUndefined: Error { public var reason: String }
}
