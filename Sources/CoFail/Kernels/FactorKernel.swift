internal import CKernels
import Foundation

/// Reusable buffers of the β_SF integral and the ρ* search for up to `capacity` models
/// (`cf_factor_workspace`). One serves one call at a time.
final class FactorWorkspace: @unchecked Sendable {
    let capacity: Int
    let pointer: OpaquePointer

    init(capacity: Int) throws {
        guard let w = cf_factor_workspace_alloc(max(1, capacity)) else {
            throw KernelError(
                function: "cf_factor_workspace_alloc", code: Int32(CF_ENOMEM),
                context: "a workspace for \(capacity) models")
        }
        self.capacity = max(1, capacity)
        pointer = w
    }

    deinit {
        cf_factor_workspace_free(pointer)
    }
}

/// Workspaces for the units of one engine run: a unit takes one for its duration and gives it
/// back, so there are as many as units ever ran at once (the worker threads), not one per call.
public final class WorkspacePool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [FactorWorkspace] = []
    let capacity: Int

    /// Workspaces for samples of up to `models` models.
    public init(models: Int) {
        capacity = max(1, models)
    }

    /// A workspace for the caller alone until it is given back with `release`.
    func acquire() throws -> FactorWorkspace {
        lock.lock()
        let w = free.popLast()
        lock.unlock()
        return try w ?? FactorWorkspace(capacity: capacity)
    }

    func release(_ w: FactorWorkspace) {
        lock.lock()
        free.append(w)
        lock.unlock()
    }
}

/// The single-factor Gaussian copula integrals of METHODS §3 (`cf_factor.h`).
enum FactorKernel {
    /// log β_SF(ρ) to relative error `relTol`; −∞ when some p_i = 0. With a workspace large
    /// enough, nothing is allocated.
    static func logBeta(
        _ p: [Double], rho: Double, relTol: Double, workspace: FactorWorkspace? = nil
    ) throws -> Double {
        var lb = 0.0
        let status: Int32
        if let workspace, p.count <= workspace.capacity {
            status = cf_factor_log_beta_ws(workspace.pointer, p, p.count, rho, relTol, &lb, nil)
        } else {
            status = cf_factor_log_beta(p, p.count, rho, relTol, &lb, nil)
        }
        try kernelCheck(status, "cf_factor_log_beta", "β_SF of \(p.count) models at ρ = \(rho)")
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

    /// ρ*: β_SF(ρ*) = β, with β_SF to `relTol`, ρ to `xTol`, bracketed near `hint` (NaN: none);
    /// `hintCurvature` is g''/g' of g = log β_SF near the root (NaN: unknown).
    static func impliedRho(
        _ p: [Double], logBeta: Double, relTol: Double, xTol: Double, hint: Double, hintCurvature: Double = .nan,
        workspace: FactorWorkspace? = nil
    ) throws -> ImpliedRho {
        var rho = 0.0
        var why: Int32 = 0
        let status: Int32
        if let workspace, p.count <= workspace.capacity {
            status = cf_factor_implied_rho_ws(
                workspace.pointer, p, p.count, logBeta, relTol, xTol, hint, hintCurvature, &rho, &why)
        } else {
            status = cf_factor_implied_rho_tol(p, p.count, logBeta, relTol, xTol, hint, hintCurvature, &rho, &why)
        }
        try kernelCheck(status, "cf_factor_implied_rho_tol", "ρ* of \(p.count) models")
        switch Int(why) {
        case CF_RHO_OK: return .value(rho)
        case CF_RHO_BETA_ZERO: return .betaZero
        case CF_RHO_BELOW_INDEPENDENCE: return .belowIndependence
        default: return .neverWrongModel
        }
    }
}
