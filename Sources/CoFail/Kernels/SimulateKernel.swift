internal import CKernels

/// Synthetic outcome matrices (METHODS §8, `cf_simulate.h`).
enum SimulateKernel {
    enum Law {
        case shock
        case clayton
        case factor

        var code: Int32 {
            switch self {
            case .shock: return Int32(CF_LAW_SHOCK)
            case .clayton: return Int32(CF_LAW_CLAYTON)
            case .factor: return Int32(CF_LAW_FACTOR)
            }
        }
    }

    /// Bit-packed error and answered columns of an n × m matrix drawn from `law`.
    static func draw(
        law: Law, parameters: [Double], loadings: [Double]?, pi: Double, theta: Double, queries n: Int,
        models m: Int, missing: Double, seed: UInt64,
        threads: Int, wantLatent: Bool = false
    ) throws -> (errors: [UInt64], answered: [UInt64], latent: [Double]) {
        let w = (n + 63) / 64
        var errors = [UInt64](repeating: 0, count: m * w)
        var answered = [UInt64](repeating: 0, count: m * w)
        var latent = [Double](repeating: 0, count: wantLatent ? n * m : 0)
        let status = latent.withUnsafeMutableBufferPointer { z in
            cf_simulate_matrix(
                law.code, parameters, loadings, pi, theta, n, m, missing, seed, max(1, threads),
                &errors, &answered, wantLatent ? z.baseAddress : nil)
        }
        try kernelCheck(status, "cf_simulate_matrix", "a synthetic \(n) × \(m) matrix")
        return (errors, answered, latent)
    }
}
