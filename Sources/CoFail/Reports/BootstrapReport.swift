import Foundation

/// Summary of a completed bootstrap table (METHODS §6). Computed the same way for an
/// unsharded run and for merged shards, so both give the same report.
public struct BootstrapSummary: Sendable {
    public var stats: [BootstrapStatistic]
    public var estimates: [Double]
    public var table: UnitTable
    public var jackknife: [[Double]]
    public var alpha: Double

    public init(
        stats: [BootstrapStatistic], estimates: [Double], table: UnitTable, jackknife: [[Double]], alpha: Double
    ) {
        self.stats = stats
        self.estimates = estimates
        self.table = table
        self.jackknife = jackknife
        self.alpha = alpha
    }

    public func section() -> Report.Section {
        var s = Report.Section(
            key: "bootstrap", title: "Bootstrap (\(table.units) replicates, \(Report.Section.pct(1 - alpha)) intervals)"
        )
        s.add("replicates", "replicates (B)", .int(table.units))
        s.add("alpha", "interval level 1 − α", .number(1 - alpha))
        s.add("quantile_convention", "quantiles", .string("linear interpolation of order statistics (R type 7)"))
        s.add(
            "bca_convention", "BCa",
            .string(
                "z0 from mid-rank share below the estimate; acceleration from a grouped jackknife "
                    + "(\(jackknife.count) groups)"
            ))
        for (c, stat) in stats.enumerated() {
            let key = stat.rawValue
            let values = table.column(key)
            let defined = values.filter { !$0.isNaN }.sorted()
            let est = estimates[c]
            s.add(key, "\(key) (full sample)", .num(est), reason: est.isFinite ? nil : "undefined on the full sample")
            s.add(key + "_defined", "  replicates where defined", .int(defined.count))
            guard defined.count >= 2 else {
                let why = "fewer than two replicates where \(key) is defined"
                for k in ["_se", "_ci_lo", "_ci_hi", "_bca_lo", "_bca_hi"] {
                    s.add(key + k, "  " + k.dropFirst(), .null, reason: why)
                }
                continue
            }
            let sd = sampleStandardDeviation(defined)
            s.add(key + "_se", "  bootstrap standard error", .number(sd))
            let (lo, hi) = BootstrapInterval.percentile(defined, alpha: alpha)
            s.add(key + "_ci_lo", "  percentile lower", .number(lo))
            s.add(key + "_ci_hi", "  percentile upper", .number(hi))
            switch BootstrapInterval.bca(defined, estimate: est, jackknife: jackknife.map { $0[c] }, alpha: alpha) {
            case .success(let (blo, bhi)):
                s.add(key + "_bca_lo", "  BCa lower", .number(blo))
                s.add(key + "_bca_hi", "  BCa upper", .number(bhi))
            case .failure(let u):
                s.add(key + "_bca_lo", "  BCa lower", .null, reason: u.reason)
                s.add(key + "_bca_hi", "  BCa upper", .null, reason: u.reason)
            }
            if stat == .beta {
                s.add(
                    "share_beta_zero", "  share of replicates with β = 0 (kept, U = 0)",
                    .number(Double(values.filter { $0 == 0 }.count) / Double(table.units)))
            }
            if stat == .underpricing_tetrachoric {
                s.add(
                    "underpricing_ci_excludes_one", "  percentile interval of U_tet excludes 1", .bool(lo > 1 || hi < 1)
                )
            }
            if stat == .implied_rho {
                s.add(
                    "implied_rho_undefined_share", "  share with ρ* undefined (β = 0 or below independence)",
                    .number(Double(values.filter(\.isNaN).count) / Double(table.units)))
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
