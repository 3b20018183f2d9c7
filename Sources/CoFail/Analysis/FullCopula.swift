import CKernels
import Foundation

/// Full pairwise Gaussian copula and the residual U_full (METHODS §4).
///
/// `R_tet` over the non-degenerate models is projected to the nearest correlation matrix;
/// sampling uses that matrix with eigenvalues floored at `eigenFloor` and rescaled to a unit
/// diagonal (the exact projection is singular). β_full is estimated twice: crude Monte Carlo
/// and Botev's minimax-tilted SOV with randomised QMC, with the z of their difference.
public struct FullCopula: Sendable {
    public static let eigenFloor = 1e-8
    public static let ncmTolerance = 1e-10
    public static let ncmMaxIterations = 1000
    public static let ncmAndersonMemory = 10
    /// OpenBLAS threads for the eigendecompositions of the NCM. A constant, not `--threads`, so
    /// the result is bit-identical whatever thread count the user asks for; no engine threads
    /// run while the NCM does, so nothing is oversubscribed.
    public static let ncmBLASThreads: Int32 = 2

    public var modelsUsed: Int
    public var minEigenvalue: Quantity = .undefined("not computed")
    public var negativeEigenvalues = 0
    public var ncmIterations = 0
    public var ncmConverged = false
    public var ncmFrobenius: Quantity = .undefined("not computed")
    public var meanOffDiagonalBefore: Quantity = .undefined("not computed")
    public var meanOffDiagonalAfter: Quantity = .undefined("not computed")
    public var betaFullMC: Quantity = .undefined("not computed")
    public var betaFullMCSE: Quantity = .undefined("not computed")
    public var mcHits = 0
    public var betaFull: Quantity = .undefined("not computed")
    public var betaFullSE: Quantity = .undefined("not computed")
    public var logBetaFull: Quantity = .undefined("not computed")
    public var agreementZ: Quantity = .undefined("not computed")
    public var underpricingFull: Quantity = .undefined("not computed")
    public var draws: Int
    public var qmcPoints: Int
    /// Wall time of the NCM, crude MC and tilted stages, seconds.
    public var timings: [(stage: String, seconds: Double)] = []

    init(pairwise pw: PairwiseStatistics, errorRates p: [Double], beta: Double, options o: AnalysisOptions) throws {
        draws = o.draws
        qmcPoints = o.qmcPoints * o.qmcShifts
        let idx = p.indices.filter { p[$0] > 0 && p[$0] < 1 }
        let d = idx.count
        modelsUsed = d
        if p.contains(0) {
            setUndefined("a model is never wrong: β_full = 0 and β = 0")
            betaFull = .defined(0); betaFullMC = .defined(0)
            return
        }
        guard d >= 2 else {
            setUndefined("fewer than two models with 0 < p < 1")
            return
        }
        var clock = Stopwatch()
        let proj = try FullCopula.project(pw, models: idx)
        let info = proj.info
        clock.lap("nearest_correlation_matrix")
        minEigenvalue = .defined(info.min_eig_before)
        negativeEigenvalues = Int(info.negative_before)
        ncmIterations = Int(info.iterations)
        ncmConverged = info.converged != 0
        ncmFrobenius = .defined(info.frobenius)
        func meanOff(_ m: [Double]) -> Double {
            var s = 0.0
            for a in 0..<d { for b in (a + 1)..<d where b < d { s += m[a * d + b] } }
            return s / Double(d * (d - 1) / 2)
        }
        meanOffDiagonalBefore = .defined(meanOff(proj.rTet))
        meanOffDiagonalAfter = .defined(meanOff(proj.rPSD))
        let s = proj.sampling
        let tau = idx.map { cf_norm_quantile(p[$0]) }
        var mc = cf_estimate(), vr = cf_estimate()
        if o.draws > 0 {
            try check(cf_orthant_mc(s, tau, d, o.seed, UInt64(o.draws), max(1, o.threads), &mc), "cf_orthant_mc")
            betaFullMC = .defined(mc.val)
            betaFullMCSE = .defined(mc.se)
            mcHits = Int(mc.hits)
        } else {
            betaFullMC = .undefined("crude Monte Carlo not requested (0 draws)"); betaFullMCSE = betaFullMC
        }
        clock.lap("beta_full_crude_mc")
        try check(cf_orthant_tilted(s, tau, d, o.seed, o.qmcPoints, o.qmcShifts, max(1, o.threads), &vr), "cf_orthant_tilted")
        clock.lap("beta_full_tilted")
        timings = clock.laps
        betaFull = .defined(vr.val)
        betaFullSE = .defined(vr.se)
        logBetaFull = vr.log_val.isFinite ? .defined(vr.log_val) : .undefined("β_full underflows to 0")
        if o.draws == 0 {
            agreementZ = .undefined("crude Monte Carlo not requested")
        } else if mc.hits > 0 {
            agreementZ = .defined((mc.val - vr.val) / (mc.se * mc.se + vr.se * vr.se).squareRoot())
        } else {
            agreementZ = .undefined("crude Monte Carlo had no hits in \(o.draws) draws (β_full ≈ \(Report.fmt(vr.val))); rely on the tilted estimator")
        }
        underpricingFull = CopulaModels.ratio(beta, logBetaFull)
    }

    /// R_tet over the given models, its nearest correlation matrix R_psd (METHODS §4) and the
    /// sampling matrix (R_psd with eigenvalues floored at `eigenFloor`, unit diagonal).
    struct Projection { var rTet: [Double]; var rPSD: [Double]; var sampling: [Double]; var info: cf_ncm_info }

    static func project(_ pw: PairwiseStatistics, models idx: [Int]) throws -> Projection {
        let d = idx.count
        var g = [Double](repeating: 0, count: d * d)
        for (a, i) in idx.enumerated() { for (b, j) in idx.enumerated() { g[a * d + b] = a == b ? 1 : pw.r[i * pw.m + j] } }
        var x = [Double](repeating: 0, count: d * d), s = x
        var info = cf_ncm_info()
        cf_blas_set_threads(ncmBLASThreads)
        let status = cf_ncm_project(g, d, ncmTolerance, ncmMaxIterations, ncmAndersonMemory, &x, &info)
        cf_blas_set_threads(1)
        try check(status, "cf_ncm_project")
        try check(cf_corr_floor(x, d, eigenFloor, &s), "cf_corr_floor")
        return Projection(rTet: g, rPSD: x, sampling: s, info: info)
    }

    private mutating func setUndefined(_ why: String) {
        for kp in [\FullCopula.minEigenvalue, \.ncmFrobenius, \.meanOffDiagonalBefore, \.meanOffDiagonalAfter, \.betaFullMC,
                   \.betaFullMCSE, \.betaFull, \.betaFullSE, \.logBetaFull, \.agreementZ, \.underpricingFull] as [WritableKeyPath<FullCopula, Quantity>] {
            self[keyPath: kp] = .undefined(why)
        }
    }

    func section(beta: Double) -> Report.Section {
        var s = Report.Section(key: "full_copula", title: "Full pairwise Gaussian copula (residual decomposition)")
        s.add("models_used", "models (0 < p < 1)", .int(modelsUsed))
        s.add("min_eigenvalue", "min eigenvalue of R_tet", minEigenvalue)
        s.add("negative_eigenvalues", "eigenvalues below −1e-10", .int(negativeEigenvalues))
        s.add("ncm_iterations", "NCM iterations (eigendecompositions)", .int(ncmIterations))
        s.add("ncm_converged", "NCM converged", .bool(ncmConverged))
        s.add("ncm_frobenius_distance", "‖R_tet − R_psd‖_F", ncmFrobenius)
        s.add("ncm_mean_offdiagonal_before", "mean off-diagonal before", meanOffDiagonalBefore)
        s.add("ncm_mean_offdiagonal", "mean off-diagonal after (R_psd)", meanOffDiagonalAfter)
        s.add("sampling_matrix", "sampling matrix", .string("R_psd eigenvalues floored at \(FullCopula.eigenFloor), rescaled to unit diagonal"))
        s.add("beta_full_mc", "β_full crude MC (\(draws) draws)", betaFullMC, display: betaFullMC.value.map { "\(Report.fmt($0)) ± \(Report.fmt(betaFullMCSE.value ?? 0)) (\(mcHits) hits)" })
        s.add("beta_full_mc_se", "β_full crude MC standard error", betaFullMCSE)
        s.add("beta_full", "β_full tilted SOV-QMC (\(qmcPoints) points)", betaFull, display: betaFull.value.map { "\(Report.fmt($0)) ± \(Report.fmt(betaFullSE.value ?? 0))" })
        s.add("beta_full_se", "β_full tilted standard error", betaFullSE)
        s.add("log_beta_full", "log β_full", logBetaFull)
        s.add("beta_full_agreement_z", "agreement z (MC − tilted)", agreementZ)
        s.add("underpricing_full", "U_full = β / β_full", underpricingFull)
        return s
    }
}
