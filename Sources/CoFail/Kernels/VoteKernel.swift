internal import CKernels

/// Majority votes over model subsets and the single-factor majority error (`cf_vote.h`).
enum VoteKernel {
    /// Per subset: (strict-majority correct, c ≥ 2, c = 1, c ≥ 1) query counts, flattened 4 per
    /// subset. `members` holds `k` column indices per subset.
    static func counts(_ bits: [UInt64], words: Int, members: [Int], k: Int) throws -> [Int64] {
        let count = members.count / k
        var out = [Int64](repeating: 0, count: count * 4)
        try kernelCheck(
            cf_vote_counts(bits, words, members, count, k, &out), "cf_vote_counts",
            "majority votes of \(count) subsets of \(k) models")
        return out
    }

    /// E_m(p, ρ) to relative error `relTol`.
    static func majorityError(error p: Double, rho: Double, members m: Int, relTol: Double) throws -> Double {
        var out = 0.0
        try kernelCheck(
            cf_vote_majority_error(p, rho, Int64(m), relTol, &out), "cf_vote_majority_error",
            "the majority error of \(m) members at p = \(p), ρ = \(rho)")
        return out
    }

    /// The heterogeneous (Poisson-binomial) majority error of members with error rates `p`.
    static func majorityError(errors p: [Double], rho: Double, relTol: Double) throws -> Double {
        var out = 0.0
        try kernelCheck(
            cf_vote_majority_error_het(p, p.count, rho, relTol, &out), "cf_vote_majority_error_het",
            "the majority error of \(p.count) heterogeneous members at ρ = \(rho)")
        return out
    }
}

/// Student t quantiles (`cf_student.h`).
enum StudentKernel {
    static func quantile(_ q: Double, degreesOfFreedom df: Double) throws -> Double {
        var out = 0.0
        try kernelCheck(cf_student_quantile(q, df, &out), "cf_student_quantile", "the t quantile \(q) with \(df) df")
        return out
    }
}
