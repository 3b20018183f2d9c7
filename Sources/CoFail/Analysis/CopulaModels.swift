import CKernels
import Foundation

/// Single-factor Gaussian copula (METHODS §3) and Clayton control (METHODS §5) priced
/// against the observed all-wrong rate β.
public struct CopulaModels: Sendable {
    /// β_SF(ρ̄_tet), β_SF(ρ̄_pearson) and their logs (kept because β_SF can underflow).
    public var betaSFTetrachoric: Quantity
    public var logBetaSFTetrachoric: Quantity
    public var betaSFPearson: Quantity
    public var logBetaSFPearson: Quantity
    /// U = β / β_SF.
    public var underpricingTetrachoric: Quantity
    public var underpricingPearson: Quantity
    /// ρ*: β_SF(ρ*) = β.
    public var impliedRho: Quantity
    public var claytonTheta: Quantity
    public var betaClayton: Quantity
    public var underpricingClayton: Quantity

    public init(errorRates p: [Double], beta: Double, pairwise: PairwiseStatistics) throws {
        (betaSFTetrachoric, logBetaSFTetrachoric) = try CopulaModels.betaSF(p, rho: pairwise.meanTetrachoric, label: "mean tetrachoric")
        (betaSFPearson, logBetaSFPearson) = try CopulaModels.betaSF(p, rho: pairwise.meanPhi, label: "mean phi")
        underpricingTetrachoric = CopulaModels.ratio(beta, logBetaSFTetrachoric)
        underpricingPearson = CopulaModels.ratio(beta, logBetaSFPearson)
        impliedRho = try CopulaModels.impliedRho(p, beta: beta)
        (claytonTheta, betaClayton, underpricingClayton) = try CopulaModels.clayton(errorRates: p, meanCoError: pairwise.meanCoError, beta: beta)
    }

    /// Clayton θ calibrated on the non-degenerate models' margins and the mean co-error
    /// (METHODS §5), with β_Clayton and U_Clayton; undefined cases carry their reason.
    static func clayton(errorRates p: [Double], meanCoError: PairwiseStatistics.Mean, beta: Double) throws -> (Quantity, Quantity, Quantity) {
        let ok = p.filter { $0 > 0 && $0 < 1 }
        guard let target = meanCoError.value, ok.count >= 2 else {
            let why = meanCoError.reason ?? "fewer than two non-degenerate models"
            return (.undefined(why), .undefined(why), .undefined(why))
        }
        var theta = 0.0, why: Int32 = 0, lc = 0.0
        try check(cf_clayton_calibrate(ok, ok.count, target, &theta, &why), "cf_clayton_calibrate")
        guard Int(why) == CF_THETA_OK else {
            let reason = Int(why) == CF_THETA_AT_OR_BELOW_INDEPENDENCE
                ? "mean pairwise co-error is at or below independence: no Clayton θ > 0 matches it"
                : Int(why) == CF_THETA_ABOVE_COMONOTONE ? "mean pairwise co-error is at or above the comonotone bound" : "fewer than two non-degenerate models"
            return (.undefined(reason), .undefined(reason), .undefined(reason))
        }
        try check(cf_clayton_log_joint(p, p.count, theta, &lc), "cf_clayton_log_joint")
        return (.defined(theta), .defined(exp(lc)), ratio(beta, .defined(lc)))
    }

    /// β_SF(ρ) with its log; undefined for an undefined or negative mean correlation.
    static func betaSF(_ p: [Double], rho: PairwiseStatistics.Mean, label: String) throws -> (Quantity, Quantity) {
        guard let r = rho.value else {
            let why = "\(label) is undefined: \(rho.reason ?? "")"
            return (.undefined(why), .undefined(why))
        }
        if r < 0 {
            let why = "\(label) is negative (\(String(format: "%.4g", r))): no single-factor representation"
            return (.undefined(why), .undefined(why))
        }
        let lb = try logBetaSF(p, rho: r)
        return (.defined(exp(lb)), lb == -.infinity ? .undefined("β_SF = 0: a model is never wrong") : .defined(lb))
    }

    /// log β_SF(ρ) (METHODS §3) to relative `relTol` (1e-10 by default; replicates use 1e-7).
    public static func logBetaSF(_ p: [Double], rho: Double, relTol: Double = 1e-10) throws -> Double {
        var lb = 0.0
        try check(cf_factor_log_beta(p, p.count, rho, relTol, &lb, nil), "cf_factor_log_beta")
        return lb
    }

    /// U = β / β_model from log β_model; U = 0 when β = 0 (and β_model > 0).
    static func ratio(_ beta: Double, _ logModel: Quantity) -> Quantity {
        guard let lm = logModel.value else {
            return .undefined(logModel.reason ?? "model probability undefined")
        }
        if beta == 0 { return .defined(0) }
        return .defined(exp(log(beta) - lm))
    }

    static func impliedRho(_ p: [Double], beta: Double) throws -> Quantity {
        var rho = 0.0
        var why: Int32 = 0
        try check(cf_factor_implied_rho(p, p.count, beta > 0 ? log(beta) : -.infinity, &rho, &why), "cf_factor_implied_rho")
        switch Int(why) {
        case CF_RHO_OK: return .defined(rho)
        case CF_RHO_BETA_ZERO: return .undefined("β = 0: no single-factor correlation reproduces an empty tail")
        case CF_RHO_BELOW_INDEPENDENCE: return .undefined("below independence: β is smaller than the product of the error rates")
        default: return .undefined("a model is never wrong, so β_SF = 0 for every ρ")
        }
    }
}
