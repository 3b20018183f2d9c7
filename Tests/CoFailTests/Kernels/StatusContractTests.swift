import CKernels
import Foundation
import Testing

/// The status codes each header of CKernels documents are the ones its function returns: the
/// test reads the headers, finds every (function, code) a declaration's comment names, and
/// requires a trigger below that makes the function return exactly that code. A header that
/// documents a new code without a trigger here, or a function that returns another code than its
/// header says, fails.
@Suite struct StatusContractTests {
    /// Codes no argument can provoke (an allocation, LAPACK or an iteration cap failing), so a
    /// documented one needs no trigger.
    static let unreachable: Set<String> = ["CF_ENOMEM", "CF_ELAPACK", "CF_EMAXITER", "CF_ETHREAD"]

    static let values: [String: Int32] = [
        "CF_OK": 0, "CF_EINVAL": -1, "CF_EDOM": -2, "CF_ENOTPD": -3, "CF_EMAXITER": -4, "CF_ENOMEM": -5,
        "CF_ELAPACK": -6, "CF_EUNDEF": -7, "CF_ETHREAD": -8, "CF_RHO_BELOW_INDEPENDENCE": 1,
        "CF_RHO_BETA_ZERO": 2, "CF_RHO_NO_MODELS": 3,
    ]

    /// (function, code) pairs the headers document for int-returning functions.
    static func documented() throws -> [(function: String, code: String)] {
        let include = URL(fileURLWithPath: testsDirectory).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("CKernels/include")
        let declaration = try NSRegularExpression(
            pattern: #"((?:/\*(?:[^*]|\*(?!/))*\*/\s*)+)int\s+(cf_\w+)\s*\("#)
        let code = try NSRegularExpression(pattern: #"CF_E[A-Z]+|CF_RHO_[A-Z_]+"#)
        var out: [(String, String)] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: include.path) where file.hasPrefix("cf_") {
            let text = try String(contentsOf: include.appendingPathComponent(file), encoding: .utf8) as NSString
            for m in declaration.matches(in: text as String, range: NSRange(location: 0, length: text.length)) {
                let comment = text.substring(with: m.range(at: 1))
                let name = text.substring(with: m.range(at: 2))
                let codes = Set(
                    code.matches(in: comment, range: NSRange(location: 0, length: (comment as NSString).length)).map {
                        (comment as NSString).substring(with: $0.range)
                    })
                out += codes.sorted().map { (name, $0) }
            }
        }
        return out
    }

    /// One call per documented (function, code) that returns it (for ρ*'s reasons: the reason).
    static func triggers() -> [String: [String: () -> Int32]] {
        var t: [String: [String: () -> Int32]] = [:]
        var out = 0.0
        var lo = 0.0
        var hi = 0.0
        t["cf_binom_cp_interval"] = ["CF_EDOM": { cf_binom_cp_interval(5, 3, 0.05, &lo, &hi) }]
        t["cf_bvn_cdf"] = ["CF_EDOM": { cf_bvn_cdf(.nan, 0, 0, &out) }]
        t["cf_bvn_pdf"] = ["CF_EDOM": { cf_bvn_pdf(0, 0, 1, &out) }]
        t["cf_bvn_cdf_batch"] = ["CF_EDOM": { cf_bvn_cdf_batch([0], [0], [2], 1, &out) }]
        t["cf_bvn_solve_r"] = ["CF_EDOM": { cf_bvn_solve_r(0, 0, 2, &out) }]
        t["cf_bvn_solve_r_warm_batch"] = [
            "CF_EINVAL": {
                var status: Int32 = 0
                return cf_bvn_solve_r_warm_batch(nil, [0], [0.25], [0], 1, &out, &status)
            }
        ]
        t["cf_clayton_log_joint"] = ["CF_EDOM": { cf_clayton_log_joint([0.3, 0.4], 2, -1, &out) }]
        t["cf_factor_log_beta"] = ["CF_EDOM": { cf_factor_log_beta([0.3, 0.4], 2, 2, 1e-10, &out, &lo) }]
        t["cf_factor_log_beta_ws"] = [
            "CF_EINVAL": { cf_factor_log_beta_ws(nil, [0.3, 0.4], 2, 0.5, 1e-10, &out, &lo) }
        ]
        func why(_ p: [Double], _ logBeta: Double) -> Int32 {
            var reason: Int32 = -99
            let st = cf_factor_implied_rho(p, p.count, logBeta, &out, &reason)
            return st == 0 ? reason : st
        }
        t["cf_factor_implied_rho"] = [
            "CF_RHO_BETA_ZERO": { why([0.3, 0.4], -.infinity) },
            "CF_RHO_BELOW_INDEPENDENCE": { why([0.3, 0.4], log(0.01)) },
            "CF_RHO_NO_MODELS": { why([0, 0.4], log(0.01)) },
        ]
        t["cf_lp_frechet_bounds"] = ["CF_EUNDEF": { cf_lp_frechet_bounds(3, 0.3, 0.5, &lo, &hi) }]
        t["cf_ncm_eigen_sym"] = ["CF_EINVAL": { cf_ncm_eigen_sym([1], 0, &out, nil) }]
        t["cf_norm_logcdf_batch"] = ["CF_EINVAL": { cf_norm_logcdf_batch(nil, 1, &out) }]
        t["cf_norm_quantile_log_batch"] = ["CF_EINVAL": { cf_norm_quantile_log_batch(nil, 1, &out) }]
        var order: [UInt32] = [0, 0]
        var work: [UInt64] = [0, 0]
        var workIndex: [UInt32] = [0, 0]
        t["cf_order_f64"] = [
            "CF_EDOM": { cf_order_f64([1, .nan], 2, &order, &work, &workIndex) },
            "CF_EINVAL": { cf_order_f64(nil, 2, &order, &work, &workIndex) },
        ]
        var estimate = cf_estimate()
        let r = [1, 0.3, 0.3, 1.0]
        t["cf_orthant_tilted_target"] = [
            "CF_EINVAL": { cf_orthant_tilted_target(r, [0, 0], 2, 1, 64, 1, 1e-3, 64, 1, &estimate) },
            "CF_EDOM": { cf_orthant_tilted_target(r, [0, 0], 2, 1, 64, 2, -1, 128, 1, &estimate) },
        ]
        t["cf_student_quantile"] = ["CF_EDOM": { cf_student_quantile(1, 3, &out) }]
        var gathered: [UInt64] = [0]
        var simErrors = [UInt64](repeating: 0, count: 1)
        var simAnswered = [UInt64](repeating: 0, count: 1)
        var simLatent = [Double](repeating: 0, count: 1)
        t["cf_simulate_matrix"] = [
            "CF_EINVAL": {
                cf_simulate_matrix(0, [0.3], nil, 0.1, 1, 1, 1, 0, 1, 1, &simErrors, &simAnswered, &simLatent)
            },
            "CF_EDOM": { cf_simulate_matrix(9, [0.3], nil, 0.1, 1, 1, 1, 0, 1, 1, &simErrors, &simAnswered, nil) },
        ]
        t["cf_tables_gather_rows"] = ["CF_EDOM": { cf_tables_gather_rows([1], 1, 1, [5], 1, &gathered) }]
        var count: Int64 = 0
        t["cf_tables_pair_sum"] = ["CF_EINVAL": { cf_tables_pair_sum(nil, 2, [0, 1], 2, &out, &count) }]
        var sums = [Double](repeating: 0, count: 16)
        var counts = [Int64](repeating: 0, count: 16)
        t["cf_tables_pair_means"] = [
            "CF_EINVAL": { cf_tables_pair_means(nil, r, [3, 1, 1, 3], 2, 10, &sums, &counts) }
        ]
        var pair = cf_pair_stat()
        t["cf_tetrachoric_pair"] = ["CF_EDOM": { cf_tetrachoric_pair(-1, 2, 3, 4, 1, .nan, &pair) }]
        var warm = [cf_tetra_warm](repeating: cf_tetra_warm(), count: 4)
        t["cf_tetrachoric_warm"] = [
            "CF_EINVAL": { cf_tetrachoric_warm([3, 1, 1, 3], 0, 10, 1, r, &warm) },
            "CF_EDOM": { cf_tetrachoric_warm([3, 5, 5, 3], 2, 10, 1, r, &warm) },
        ]
        var rr = [Double](repeating: 0, count: 4)
        var phi = [Double](repeating: 0, count: 4)
        var flags = [Int32](repeating: 0, count: 4)
        t["cf_tetrachoric_matrix"] = [
            "CF_EINVAL": { cf_tetrachoric_matrix([3, 1, 1, 3], 2, 10, 1, nil, -1, 1, &rr, &phi, &flags) },
            "CF_EDOM": { cf_tetrachoric_matrix([3, 1, 1, 3], 2, 0, 1, nil, 0, 1, &rr, &phi, &flags) },
        ]
        var votes = [Int64](repeating: 0, count: 4)
        t["cf_vote_counts"] = ["CF_EINVAL": { cf_vote_counts([1, 1, 1], 1, [0, 1, 2], 1, 0, &votes) }]
        t["cf_vote_majority_error"] = ["CF_EDOM": { cf_vote_majority_error(2, 0.3, 3, 1e-10, &out) }]
        t["cf_cs_log_m"] = [
            "CF_EINVAL": { cf_cs_log_m(1, 2, 0.5, 0.5, 0.3, nil) },
            "CF_EDOM": { cf_cs_log_m(3, 2, 0.5, 0.5, 0.3, &out) },
        ]
        t["cf_cs_interval"] = [
            "CF_EINVAL": { cf_cs_interval(1, 2, 0.5, 0.5, 0.05, nil, &hi) },
            "CF_EDOM": { cf_cs_interval(1, 2, 0.5, 0.5, 1, &lo, &hi) },
        ]
        var lga = [Double](repeating: 0, count: 4)
        var lgb = lga
        var lgab = lga
        t["cf_cs_table_fill"] = [
            "CF_EINVAL": { cf_cs_table_fill(0.5, 0.5, 3, nil, &lgb, &lgab) },
            "CF_EDOM": { cf_cs_table_fill(0, 0.5, 3, &lga, &lgb, &lgab) },
        ]
        _ = cf_cs_table_fill(0.5, 0.5, 3, &lga, &lgb, &lgab)
        let bits: [UInt64] = [0b101]
        t["cf_cs_stream_advance"] = [
            "CF_EINVAL": {
                lga.withUnsafeBufferPointer { a in
                    var table = cf_cs_table(n: 3, a: 0.5, b: 0.5, lga: a.baseAddress, lgb: a.baseAddress, lgab: nil)
                    var st = cf_cs_stream(t: 0, s: 0, lo: 0, hi: 1, t_hi_below: 0, t_lo_reached: 0, t_empty: 0)
                    return cf_cs_stream_advance(&table, 0.05, 0.1, bits, nil, 3, nil, 0, nil, nil, nil, nil, 0, &st)
                }
            },
            "CF_EDOM": {
                lga.withUnsafeBufferPointer { a in
                    var table = cf_cs_table(
                        n: 3, a: 0.5, b: 0.5, lga: a.baseAddress, lgb: a.baseAddress, lgab: a.baseAddress)
                    var st = cf_cs_stream(t: 2, s: 3, lo: 0, hi: 1, t_hi_below: 0, t_lo_reached: 0, t_empty: 0)
                    return cf_cs_stream_advance(&table, 0.05, 0.1, bits, nil, 3, nil, 0, nil, nil, nil, nil, 0, &st)
                }
            },
        ]
        var w = [Double](repeating: 0, count: 2)
        var b = 0.0
        var gn = 0.0
        var iters: Int32 = 0
        var fitWork = [Double](repeating: 0, count: 16)
        let rowptr: [Int64] = [0, 1, 2]
        let cols: [Int32] = [0, 1]
        t["cf_logistic_fit"] = [
            "CF_EINVAL": {
                cf_logistic_fit(2, 2, rowptr, cols, [1, 1], [0, 1], 1, 1e-8, 10, nil, &w, &b, &gn, &iters)
            },
            "CF_EDOM": {
                cf_logistic_fit(2, 2, rowptr, cols, [1, 1], [1, 1], 1, 1e-8, 10, &fitWork, &w, &b, &gn, &iters)
            },
        ]
        return t
    }

    @Test func everyDocumentedStatusHasATrigger() throws {
        let documented = try StatusContractTests.documented()
        #expect(documented.count >= 30, "the header parser found only \(documented.count) codes")
        for (function, code) in documented where !StatusContractTests.unreachable.contains(code) {
            let trigger = StatusContractTests.triggers()[function]?[code]
            #expect(trigger != nil, "\(function) documents \(code) but no test provokes it")
        }
        // and every trigger here is documented by its header
        let named = Set(documented.map { "\($0.function) \($0.code)" })
        for (function, codes) in StatusContractTests.triggers() {
            for code in codes.keys {
                #expect(named.contains("\(function) \(code)"), "\(function) returns \(code) undocumented")
            }
        }
    }

    @Test func triggersReturnTheirCode() throws {
        for (function, codes) in StatusContractTests.triggers() {
            for (code, trigger) in codes {
                #expect(trigger() == StatusContractTests.values[code], "\(function) should return \(code)")
            }
        }
    }
}
