internal import CKernels

/// The Fréchet-bound linear programme of METHODS §8 (`cf_lp.h`).
enum LPKernel {
    /// [β_min, β_max] over exchangeable laws with (m, p, c); nil when no such law exists.
    static func frechetBounds(models m: Int, error p: Double, coError c: Double) throws -> (Double, Double)? {
        var lo = 0.0
        var hi = 0.0
        let status = cf_lp_frechet_bounds(m, p, c, &lo, &hi)
        if Int(status) == CF_EUNDEF {
            return nil
        }
        try kernelCheck(status, "cf_lp_frechet_bounds")
        return (lo, hi)
    }
}
