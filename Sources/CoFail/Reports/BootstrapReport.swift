import Foundation

/// A completed bootstrap table and its typed result (METHODS §6), with the report section, the
/// replicate CSV and the histogram built from them.
public struct BootstrapSummary: Sendable {
    public let stats: [BootstrapStatistic]
    public let estimates: [Double]
    public let table: UnitTable
    public let result: BootstrapResult

    public var alpha: Double { result.alpha }

    public init(
        stats: [BootstrapStatistic], estimates: [Double], table: UnitTable, jackknife: [[Double]], alpha: Double
    ) {
        self.stats = stats
        self.estimates = estimates
        self.table = table
        result = BootstrapResult(stats: stats, estimates: estimates, table: table, jackknife: jackknife, alpha: alpha)
    }

    public func section() -> Report.Section {
        let r = result
        var s = Report.Section(
            key: "bootstrap",
            title: "Bootstrap (\(r.replicates) replicates, \(Report.Section.pct(1 - alpha)) intervals)"
        )
        s.add("replicates", "replicates (B)", .int(r.replicates))
        s.add("alpha", "interval level 1 − α", .number(1 - alpha))
        s.add("quantile_convention", "quantiles", .string("linear interpolation of order statistics (R type 7)"))
        s.add(
            "bca_convention", "BCa",
            .string(
                "z0 from mid-rank share below the estimate; acceleration from a grouped jackknife "
                    + "(\(r.jackknifeGroups) groups)"
            ))
        for e in r.estimates {
            let key = e.statistic.rawValue
            s.add(key, "\(key) (full sample)", e.estimate)
            s.add(key + "_defined", "  replicates where defined", .int(e.defined))
            s.add(key + "_se", "  bootstrap standard error", e.standardError)
            s.add(key + "_ci_lo", "  percentile lower", e.percentileLo)
            s.add(key + "_ci_hi", "  percentile upper", e.percentileHi)
            s.add(key + "_bca_lo", "  BCa lower", e.bcaLo)
            s.add(key + "_bca_hi", "  BCa upper", e.bcaHi)
            guard e.defined >= 2 else {
                continue
            }
            if let share = e.shareZero {
                s.add("share_beta_zero", "  share of replicates with β = 0 (kept, U = 0)", .number(share))
            }
            if let excludes = e.percentileExcludesOne {
                s.add("underpricing_ci_excludes_one", "  percentile interval of U_tet excludes 1", .bool(excludes))
            }
            if let share = e.undefinedShare {
                s.add(
                    "implied_rho_undefined_share", "  share with ρ* undefined (β = 0 or below independence)",
                    .number(share))
            }
        }
        return s
    }

    /// Replicate-level CSV for `--samples`.
    public func samplesCSV() -> String {
        var out = "replicate," + stats.map(\.rawValue).joined(separator: ",") + "\n"
        for u in 0..<table.units {
            out += String(u) + "," + table.row(u).map { $0.isNaN ? "" : "\($0)" }.joined(separator: ",") + "\n"
        }
        return out
    }

    /// Histogram of U_tet with the percentile interval and U = 1 marked.
    public func plot() -> String? {
        let u = table.column(BootstrapStatistic.underpricing_tetrachoric.rawValue).filter(\.isFinite).sorted()
        guard u.count >= 2, let c = stats.firstIndex(of: .underpricing_tetrachoric) else { return nil }
        let (lo, hi) = BootstrapInterval.percentile(u, alpha: alpha)
        let bins = 40
        let x0 = u.first!
        let x1 = max(u.last!, x0 + 1e-12)
        let w = (x1 - x0) / Double(bins)
        var counts = [Double](repeating: 0, count: bins)
        for v in u { counts[min(bins - 1, Int((v - x0) / w))] += 1 }
        var pts: [(x: Double, y: Double)] = []
        for b in 0..<bins {
            pts.append((x0 + Double(b) * w, counts[b]))
            pts.append((x0 + Double(b + 1) * w, counts[b]))
        }
        var chart = SVGChart(
            title: "Bootstrap distribution of U_tet = β / β_SF(ρ̄_tet)", xLabel: "U_tet", yLabel: "replicates",
            logY: false)
        chart.series = [SVGChart.Series(name: "replicates", points: pts, color: "#2471a3")]
        chart.verticals = [(lo, "\(Report.Section.pct(1 - alpha)) lower"), (hi, "upper"), (estimates[c], "estimate")]
        if x0 <= 1 && 1 <= x1 { chart.verticals.append((1, "U = 1")) }
        return chart.render()
    }
}
