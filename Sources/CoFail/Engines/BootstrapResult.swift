import Foundation

extension BootstrapInterval {
    /// The spread of replicates (sorted, NaN-free): the bootstrap standard error (sd, ddof 1) and
    /// the percentile interval; nil with fewer than two.
    public static func spread(_ sorted: [Double], alpha: Double) -> (se: Double, lo: Double, hi: Double)? {
        guard sorted.count >= 2 else {
            return nil
        }
        let (lo, hi) = percentile(sorted, alpha: alpha)
        return (sampleStandardDeviation(sorted), lo, hi)
    }
}

/// One statistic of a completed bootstrap (METHODS §6): the full-sample estimate, its replicates'
/// standard error, percentile and BCa intervals, each undefined with its reason.
public struct BootstrapEstimate: Sendable {
    public let statistic: BootstrapStatistic
    /// The full-sample value, undefined with its reason when the statistic is undefined there.
    public let estimate: Quantity
    /// Replicates where the statistic is defined.
    public let defined: Int
    public let standardError: Quantity
    public let percentileLo: Quantity
    public let percentileHi: Quantity
    public let bcaLo: Quantity
    public let bcaHi: Quantity
    /// β: the share of replicates with β = 0.
    public let shareZero: Double?
    /// U_tet: whether the percentile interval excludes 1.
    public let percentileExcludesOne: Bool?
    /// ρ*: the share of replicates where it is undefined.
    public let undefinedShare: Double?
}

/// Every statistic of a completed bootstrap table, computed the same way for an unsharded run
/// and for merged shards.
public struct BootstrapResult: Sendable {
    public let replicates: Int
    public let alpha: Double
    /// Groups of the grouped jackknife behind the BCa acceleration.
    public let jackknifeGroups: Int
    public let estimates: [BootstrapEstimate]

    public init(
        stats: [BootstrapStatistic], estimates: [Double], table: UnitTable, jackknife: [[Double]], alpha: Double
    ) {
        replicates = table.units
        self.alpha = alpha
        jackknifeGroups = jackknife.count
        self.estimates = stats.enumerated().map { c, stat in
            let values = table.column(stat.rawValue)
            let defined = values.filter { !$0.isNaN }.sorted()
            let est = estimates[c]
            let estimate: Quantity = est.isFinite ? .defined(est) : .undefined("undefined on the full sample")
            let spread = BootstrapInterval.spread(defined, alpha: alpha)
            let few = Quantity.undefined("fewer than two replicates where \(stat.rawValue) is defined")
            var bca = (lo: few, hi: few)
            if spread != nil {
                switch BootstrapInterval.bca(defined, estimate: est, jackknife: jackknife.map { $0[c] }, alpha: alpha) {
                case .success(let (lo, hi)): bca = (.defined(lo), .defined(hi))
                case .failure(let u): bca = (.undefined(u.reason), .undefined(u.reason))
                }
            }
            let units = Double(table.units)
            return BootstrapEstimate(
                statistic: stat, estimate: estimate, defined: defined.count,
                standardError: spread.map { .defined($0.se) } ?? few,
                percentileLo: spread.map { .defined($0.lo) } ?? few,
                percentileHi: spread.map { .defined($0.hi) } ?? few, bcaLo: bca.lo, bcaHi: bca.hi,
                shareZero: stat == .beta ? Double(values.filter { $0 == 0 }.count) / units : nil,
                percentileExcludesOne: stat == .underpricing_tetrachoric ? spread.map { $0.lo > 1 || $0.hi < 1 } : nil,
                undefinedShare: stat == .implied_rho ? Double(values.filter(\.isNaN).count) / units : nil)
        }
    }
}
