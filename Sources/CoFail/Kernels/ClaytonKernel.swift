internal import CKernels

/// The exchangeable Clayton copula of METHODS §5 (`cf_clayton.h`).
enum ClaytonKernel {
    enum Calibration: Equatable {
        case theta(Double)
        case atOrBelowIndependence
        case aboveComonotone
        case tooFewModels
    }

    /// log C(u_1 … u_m; θ).
    static func logJoint(_ u: [Double], theta: Double) throws -> Double {
        var lc = 0.0
        try kernelCheck(
            cf_clayton_log_joint(u, u.count, theta, &lc), "cf_clayton_log_joint",
            "the Clayton joint of \(u.count) models at θ = \(theta)")
        return lc
    }

    /// θ with mean_{i<j} C(p_i, p_j; θ) = the mean co-error (non-degenerate models only).
    static func calibrate(_ p: [Double], meanCoError: Double) throws -> Calibration {
        var theta = 0.0
        var why: Int32 = 0
        try kernelCheck(cf_clayton_calibrate(p, p.count, meanCoError, &theta, &why), "cf_clayton_calibrate")
        switch Int(why) {
        case CF_THETA_OK: return .theta(theta)
        case CF_THETA_AT_OR_BELOW_INDEPENDENCE: return .atOrBelowIndependence
        case CF_THETA_ABOVE_COMONOTONE: return .aboveComonotone
        default: return .tooFewModels
        }
    }
}
