import Foundation

/// The single-factor Gaussian copula (METHODS §3) and the Clayton control (METHODS §5).
public enum SingleFactor {
    /// log β_SF(ρ) = log ∫ φ(f) ∏ Φ((τ_i − √ρ f)/√(1−ρ)) df to relative error `relTol`.
    /// Models with p = 1 contribute a factor 1; any p = 0 gives −∞.
    /// - Throws: `KernelError` for ρ outside [0, 1] or p outside [0, 1].
    public static func logBeta(
        _ p: [Double], rho: Double, relTol: Double = Precision.report.betaSFRelTol
    ) throws -> Double {
        try FactorKernel.logBeta(p, rho: rho, relTol: relTol)
    }

    /// β_SF(ρ̄) with its log, or why it is undefined (an undefined or negative mean correlation
    /// has no single-factor representation).
    static func priced(
        _ p: [Double], rho: PairwiseStatistics.Mean, label: String, relTol: Double,
        workspace: FactorWorkspace? = nil
    ) throws -> (beta: Quantity, log: Quantity) {
        guard let r = rho.value else {
            let why = "\(label) is undefined: \(rho.reason ?? "")"
            return (.undefined(why), .undefined(why))
        }
        if r < 0 {
            let why = "\(label) is negative (\(String(format: "%.4g", r))): no single-factor representation"
            return (.undefined(why), .undefined(why))
        }
        let lb = try FactorKernel.logBeta(p, rho: r, relTol: relTol, workspace: workspace)
        let log: Quantity = lb == -.infinity ? .undefined("β_SF = 0: a model is never wrong") : .defined(lb)
        return (.defined(exp(lb)), log)
    }

    /// A start for the ρ* search of samples near one whose ρ* is known (bootstrap replicates):
    /// ρ* solves log β_SF(p, ρ) = log β, so to first order (implicit function theorem)
    ///   Δ₁ = (Δ log β − Σ_i ∂log β_SF/∂p_i · Δp_i) / S,  S = ∂log β_SF/∂ρ,
    /// and with the curvature S' = ∂²log β_SF/∂ρ² along ρ, ρ* ≈ ρ*₀ + Δ₁ − S'/(2S)·Δ₁². The
    /// derivatives are central differences at the known sample. Only a start: the search
    /// brackets and converges from any start, a close one saves it evaluations.
    public struct ImpliedRhoStart: Sendable {
        let rho: Double
        let logBeta: Double
        let p: [Double]
        let slope: Double
        let curvature: Double
        let gradient: [Double]

        /// nil when the sample's ρ* is undefined or at 0 or 1 (no derivative to extrapolate with).
        public init?(errorRates p: [Double], beta: Double, rho: Quantity) throws {
            guard let r = rho.value, r > 0, r < 1, beta > 0 else {
                return nil
            }
            let tol = Precision.report.betaSFRelTol
            func logBetaSF(_ q: [Double], _ rho: Double) throws -> Double {
                try FactorKernel.logBeta(q, rho: rho, relTol: tol)
            }
            let hr = 1e-4 * min(r, 1 - r)
            slope = (try logBetaSF(p, r + hr) - logBetaSF(p, r - hr)) / (2 * hr)
            guard slope > 0, slope.isFinite else {
                return nil
            }
            let hc = 0.05 * min(r, 1 - r)
            curvature = (try logBetaSF(p, r + hc) - 2 * logBetaSF(p, r) + logBetaSF(p, r - hc)) / (hc * hc)
            var q = p
            gradient = try p.indices.map { i in
                guard p[i] > 0, p[i] < 1 else {
                    return 0
                }
                let h = 1e-4 * min(p[i], 1 - p[i])
                q[i] = p[i] + h
                let up = try logBetaSF(q, r)
                q[i] = p[i] - h
                let down = try logBetaSF(q, r)
                q[i] = p[i]
                return (up - down) / (2 * h)
            }
            self.rho = r
            self.p = p
            logBeta = log(beta)
        }

        /// g''/g' of g = log β_SF at the full sample's ρ*: the curvature the replicates' Newton
        /// steps from the prediction use.
        public var curvatureRatio: Double { curvature / slope }

        /// The predicted ρ*, kept inside (0, 1); NaN (no start) for β = 0 or another pool.
        public func predict(errorRates q: [Double], beta: Double) -> Double {
            guard beta > 0, q.count == p.count else {
                return .nan
            }
            var change = log(beta) - logBeta
            for i in q.indices {
                change -= gradient[i] * (q[i] - p[i])
            }
            let first = change / slope
            let guess = rho + first - 0.5 * curvature / slope * first * first
            return guess.isFinite ? min(max(guess, 1e-3), 1 - 1e-3) : .nan
        }
    }

    /// U = β / β_model from log β_model; U = 0 when β = 0 and β_model > 0 (METHODS §6).
    static func underpricing(_ beta: Double, _ logModel: Quantity) -> Quantity {
        guard let lm = logModel.value else {
            return .undefined(logModel.reason ?? "model probability undefined")
        }
        if beta == 0 {
            return .defined(0)
        }
        return .defined(exp(log(beta) - lm))
    }

    /// ρ*: the root of β_SF(ρ*) = β on [0, 1), or why it is undefined.
    /// - Parameter hint: an expected root (NaN for none) that brackets the search.
    public static func impliedRho(
        _ p: [Double], beta: Double, precision: Precision = .report,
        hint: Double = .nan
    ) throws -> Quantity {
        try impliedRho(p, beta: beta, precision: precision, hint: hint, workspace: nil)
    }

    /// The same in a caller's workspace, with the curvature g''/g' of g = log β_SF near the hint
    /// when known.
    static func impliedRho(
        _ p: [Double], beta: Double, precision: Precision, hint: Double, hintCurvature: Double = .nan,
        workspace: FactorWorkspace?
    ) throws -> Quantity {
        let result = try FactorKernel.impliedRho(
            p, logBeta: beta > 0 ? log(beta) : -.infinity, relTol: precision.impliedRhoRelTol,
            xTol: precision.impliedRhoXTol, hint: hint, hintCurvature: hintCurvature, workspace: workspace)
        switch result {
        case .value(let rho): return .defined(rho)
        case .betaZero: return .undefined("β = 0: no single-factor correlation reproduces an empty tail")
        case .belowIndependence:
            return .undefined("below independence: β is smaller than the product of the error rates")
        case .neverWrongModel: return .undefined("a model is never wrong, so β_SF = 0 for every ρ")
        }
    }

    /// Clayton θ calibrated on the non-degenerate models' margins and the mean co-error
    /// (METHODS §5), with β_Clayton and U_Clayton; undefined cases carry their reason.
    static func clayton(
        errorRates p: [Double], meanCoError: PairwiseStatistics.Mean,
        beta: Double
    ) throws -> (theta: Quantity, beta: Quantity, underpricing: Quantity) {
        let ok = p.filter { $0 > 0 && $0 < 1 }
        guard let target = meanCoError.value, ok.count >= 2 else {
            let why = meanCoError.reason ?? "fewer than two non-degenerate models"
            return (.undefined(why), .undefined(why), .undefined(why))
        }
        let why: String
        switch try ClaytonKernel.calibrate(ok, meanCoError: target) {
        case .theta(let theta):
            let lc = try ClaytonKernel.logJoint(p, theta: theta)
            return (.defined(theta), .defined(exp(lc)), underpricing(beta, .defined(lc)))
        case .atOrBelowIndependence:
            why = "mean pairwise co-error is at or below independence: no Clayton θ > 0 matches it"
        case .aboveComonotone:
            why = "mean pairwise co-error is at or above the comonotone bound"
        case .tooFewModels:
            why = "fewer than two non-degenerate models"
        }
        return (.undefined(why), .undefined(why), .undefined(why))
    }
}
