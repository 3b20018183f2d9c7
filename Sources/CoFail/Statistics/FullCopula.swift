import Foundation

/// Full pairwise Gaussian copula and the residual U_full (METHODS §4).
///
/// `R_tet` over the non-degenerate models is projected to the nearest correlation matrix;
/// sampling uses that matrix with eigenvalues floored at `eigenFloor` and rescaled to a unit
/// diagonal (the exact projection is singular). β_full is estimated by Botev's minimax-tilted
/// SOV with randomised QMC and, when `precision.crudeDraws > 0`, by crude Monte Carlo with the z
/// of their difference. Both draw from the random streams of one statistic unit, so every
/// bootstrap replicate and scan subset averages its own QMC shifts.
public struct FullCopula: Sendable {
    public static let eigenFloor = 1e-8
    public static let ncmTolerance = 1e-10
    public static let ncmMaxIterations = 1000
    public static let ncmAndersonMemory = 10

    public internal(set) var modelsUsed: Int
    public internal(set) var minEigenvalue: Quantity = .undefined("not computed")
    public internal(set) var negativeEigenvalues = 0
    public internal(set) var ncmIterations = 0
    public internal(set) var ncmConverged = false
    public internal(set) var ncmFrobenius: Quantity = .undefined("not computed")
    public internal(set) var meanOffDiagonalBefore: Quantity = .undefined("not computed")
    public internal(set) var meanOffDiagonalAfter: Quantity = .undefined("not computed")
    public internal(set) var betaFullMC: Quantity = .undefined("not computed")
    public internal(set) var betaFullMCSE: Quantity = .undefined("not computed")
    public internal(set) var mcHits = 0
    public internal(set) var betaFull: Quantity = .undefined("not computed")
    public internal(set) var betaFullSE: Quantity = .undefined("not computed")
    public internal(set) var logBetaFull: Quantity = .undefined("not computed")
    public internal(set) var agreementZ: Quantity = .undefined("not computed")
    public internal(set) var underpricingFull: Quantity = .undefined("not computed")
    public internal(set) var draws: Int
    /// Tilted-estimator points used.
    public internal(set) var qmcPoints: Int
    /// The standard error asked for, as a fraction of β_full (0: a fixed number of points).
    public internal(set) var relErrorTarget: Double
    /// 1 when the target was met; undefined, with the reason, when the point cap stopped it.
    public internal(set) var targetReached: Quantity = .undefined("no precision target (a fixed number of points)")
    /// Wall time of the NCM, crude MC and tilted stages, seconds.
    public internal(set) var timings: [(stage: String, seconds: Double)] = []

    /// - Parameters:
    ///   - unit: the statistic unit whose random streams the estimators use (`RandomDomain`).
    ///   - threads: threads for the estimators (1 inside engine units).
    init(
        pairwise pw: PairwiseStatistics, errorRates p: [Double], beta: Double, precision: Precision, seed: UInt64,
        unit: UInt64, threads: Int
    ) throws {
        draws = precision.crudeDraws
        qmcPoints = 0
        relErrorTarget = precision.fullRelError
        let idx = FullCopula.modelsUsed(errorRates: p)
        let d = idx.count
        modelsUsed = d
        if p.contains(0) {
            setUndefined("a model is never wrong: β_full = 0 and β = 0")
            betaFull = .defined(0)
            betaFullMC = .defined(0)
            return
        }
        guard d >= 2 else {
            setUndefined("fewer than two models with 0 < p < 1")
            return
        }
        var clock = Stopwatch()
        let proj = try FullCopula.project(pw, models: idx)
        clock.lap("nearest_correlation_matrix")
        minEigenvalue = .defined(proj.ncm.minEigenvalueBefore)
        negativeEigenvalues = proj.ncm.negativeEigenvaluesBefore
        ncmIterations = proj.ncm.iterations
        ncmConverged = proj.ncm.converged
        ncmFrobenius = .defined(proj.ncm.frobenius)
        meanOffDiagonalBefore = .defined(FullCopula.meanOffDiagonal(proj.rTet, d))
        meanOffDiagonalAfter = .defined(FullCopula.meanOffDiagonal(proj.ncm.x, d))
        let tau = idx.map { Normal.quantile(p[$0]) }
        var mc: Estimate?
        if precision.crudeDraws > 0 {
            let key = RandomKey(seed: seed, domain: .crudeMonteCarlo, unit: unit)
            let e = try OrthantKernel.crudeMonteCarlo(
                correlation: proj.sampling, thresholds: tau, key: key,
                draws: precision.crudeDraws, threads: threads)
            betaFullMC = .defined(e.value)
            betaFullMCSE = .defined(e.standardError)
            mcHits = e.hits
            mc = e
        } else {
            betaFullMC = .undefined("crude Monte Carlo not requested (0 draws)")
            betaFullMCSE = betaFullMC
        }
        clock.lap("beta_full_crude_mc")
        let key = RandomKey(seed: seed, domain: .qmcShift, unit: unit)
        let vr = try OrthantKernel.tilted(
            correlation: proj.sampling, thresholds: tau, key: key, points: precision.qmcPoints,
            shifts: precision.qmcShifts, relTarget: precision.fullRelError,
            maxPoints: precision.qmcMaxPoints, threads: threads)
        clock.lap("beta_full_tilted")
        qmcPoints = vr.samples
        if precision.fullRelError > 0 {
            targetReached =
                vr.relativeStandardError <= precision.fullRelError
                ? .defined(1)
                : .undefined(
                    "the point cap (\(precision.qmcMaxPoints)) was reached at a relative standard error of "
                        + "\(Report.fmt(vr.relativeStandardError))")
        }
        timings = clock.laps
        betaFull = .defined(vr.value)
        betaFullSE = .defined(vr.standardError)
        logBetaFull = vr.logValue.isFinite ? .defined(vr.logValue) : .undefined("β_full underflows to 0")
        if let mc {
            if mc.hits > 0 {
                let se = (mc.standardError * mc.standardError + vr.standardError * vr.standardError).squareRoot()
                agreementZ = .defined((mc.value - vr.value) / se)
            } else {
                agreementZ = .undefined(
                    "crude Monte Carlo had no hits in \(mc.samples) draws "
                        + "(β_full ≈ \(Report.fmt(vr.value))); rely on the tilted estimator")
            }
        } else {
            agreementZ = .undefined("crude Monte Carlo not requested")
        }
        underpricingFull = SingleFactor.underpricing(beta, logBetaFull)
    }

    static func meanOffDiagonal(_ a: [Double], _ d: Int) -> Double {
        var s = 0.0
        for i in 0..<d {
            for j in (i + 1)..<d {
                s += a[i * d + j]
            }
        }
        return s / Double(d * (d - 1) / 2)
    }

    /// R_tet over the given models, its nearest correlation matrix R_psd (METHODS §4) and the
    /// sampling matrix (R_psd with eigenvalues floored at `eigenFloor`, unit diagonal).
    struct Projection {
        var rTet: [Double]
        var ncm: NCMKernel.Projection
        var sampling: [Double]
    }

    /// The models the full copula uses: those with 0 < p < 1.
    static func modelsUsed(errorRates p: [Double]) -> [Int] {
        p.indices.filter { p[$0] > 0 && p[$0] < 1 }
    }

    /// Eigenvalues (ascending) of R_tet over the models used, before and after the nearest
    /// correlation projection; nil with fewer than two such models.
    public static func spectra(_ pw: PairwiseStatistics) throws -> (models: [Int], before: [Double], after: [Double])? {
        let idx = modelsUsed(errorRates: (0..<pw.m).map(pw.errorRate))
        guard idx.count >= 2 else {
            return nil
        }
        let proj = try project(pw, models: idx)
        return (
            idx, try NCMKernel.eigenvalues(proj.rTet, dimension: idx.count),
            try NCMKernel.eigenvalues(proj.ncm.x, dimension: idx.count)
        )
    }

    static func project(_ pw: PairwiseStatistics, models idx: [Int]) throws -> Projection {
        let d = idx.count
        var g = [Double](repeating: 0, count: d * d)
        for (a, i) in idx.enumerated() {
            for (b, j) in idx.enumerated() {
                g[a * d + b] = a == b ? 1 : pw.r[i * pw.m + j]
            }
        }
        let ncm = try NCMKernel.project(
            g, dimension: d, tolerance: ncmTolerance, maxIterations: ncmMaxIterations,
            memory: ncmAndersonMemory)
        let sampling = try NCMKernel.floored(ncm.x, dimension: d, floor: eigenFloor)
        return Projection(rTet: g, ncm: ncm, sampling: sampling)
    }

    private mutating func setUndefined(_ why: String) {
        let paths: [WritableKeyPath<FullCopula, Quantity>] = [
            \.minEigenvalue, \.ncmFrobenius, \.meanOffDiagonalBefore, \.meanOffDiagonalAfter, \.betaFullMC,
            \.betaFullMCSE, \.betaFull, \.betaFullSE, \.logBetaFull, \.agreementZ, \.underpricingFull,
        ]
        for path in paths {
            self[keyPath: path] = .undefined(why)
        }
    }
}
