internal import CKernels

/// The standard normal distribution (`cf_normal.h`): Φ, log Φ and Φ⁻¹ to ~1e-15 relative.
public enum Normal {
    /// Φ(x); NaN only for NaN.
    public static func cdf(_ x: Double) -> Double {
        cf_norm_cdf(x)
    }

    /// log Φ(x), accurate for every finite x.
    public static func logCDF(_ x: Double) -> Double {
        cf_norm_logcdf(x)
    }

    /// Φ⁻¹(p) for p in [0, 1]; ±∞ at 0 and 1, NaN outside.
    public static func quantile(_ p: Double) -> Double {
        cf_norm_quantile(p)
    }
}

/// The standard bivariate normal (`cf_bvn.h`, Genz 2004).
public enum BivariateNormal {
    /// Φ₂(h, k; r) to ~1e-15 absolute.
    /// - Throws: `KernelError` for |r| > 1 or NaN arguments.
    public static func cdf(_ h: Double, _ k: Double, r: Double) throws -> Double {
        var out = 0.0
        try kernelCheck(cf_bvn_cdf(h, k, r, &out), "cf_bvn_cdf")
        return out
    }

    /// The r with Φ₂(h, k; r) = p.
    /// - Throws: `KernelError` when p lies outside the attainable range or the solver stalls.
    public static func solveR(_ h: Double, _ k: Double, probability p: Double) throws -> Double {
        var r = 0.0
        try kernelCheck(cf_bvn_solve_r(h, k, p, &r), "cf_bvn_solve_r")
        return r
    }
}
