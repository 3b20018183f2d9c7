internal import CKernels

/// The single-factor Gaussian copula integrals of METHODS §3 (`cf_factor.h`).
enum FactorKernel {
    /// log β_SF(ρ) to relative error `relTol`; −∞ when some p_i = 0.
    static func logBeta(_ p: [Double], rho: Double, relTol: Double) throws -> Double {
        var lb = 0.0
        try kernelCheck(
            cf_factor_log_beta(p, p.count, rho, relTol, &lb, nil), "cf_factor_log_beta",
            "β_SF of \(p.count) models at ρ = \(rho)")
        return lb
    }

    /// The same integral with per-model loadings λ_i.
    static func logBeta(_ p: [Double], loadings: [Double], relTol: Double) throws -> Double {
        var lb = 0.0
        let status = cf_factor_log_beta_loadings(p, loadings, p.count, relTol, &lb, nil)
        try kernelCheck(status, "cf_factor_log_beta_loadings", "β_SF of \(p.count) models with loadings")
        return lb
    }

    enum ImpliedRho: Equatable {
        case value(Double)
        case betaZero
        case belowIndependence
        case neverWrongModel
    }

    /// ρ*: β_SF(ρ*) = β, with β_SF to `relTol`, ρ to `xTol`, bracketed near `hint` (NaN: none).
    static func impliedRho(
        _ p: [Double], logBeta: Double, relTol: Double, xTol: Double,
        hint: Double
    ) throws -> ImpliedRho {
        var rho = 0.0
        var why: Int32 = 0
        let status = cf_factor_implied_rho_tol(p, p.count, logBeta, relTol, xTol, hint, &rho, &why)
        try kernelCheck(status, "cf_factor_implied_rho_tol", "ρ* of \(p.count) models")
        switch Int(why) {
        case CF_RHO_OK: return .value(rho)
        case CF_RHO_BETA_ZERO: return .betaZero
        case CF_RHO_BELOW_INDEPENDENCE: return .belowIndependence
        default: return .neverWrongModel
        }
    }
}
