extension ScanSummary {
    /// Per-size rows of a pool-size scan (METHODS §7).
    public func section(seed: UInt64, subsets: Int) -> Report.Section {
        var s = Report.Section(key: "scan", title: "Pool-size scan (U_tet over subsets with a populated tail)")
        s.add("seed", "seed", .string(String(seed)))
        s.add("subsets_per_size", "subsets per size (all when fewer exist)", .int(subsets))
        s.add(
            "spearman_size_underpricing", "Spearman(size, median U_tet)",
            Quantity(
                value: spearman,
                reason: spearman == nil ? "fewer than three sizes with a defined median, or no variation" : nil))
        var cols: [(String, String)] = [
            ("size", "size"), ("subsets", "subsets"), ("complete_subsets", "with queries"),
            ("populated_share", "populated"),
            ("median_underpricing", "median U"), ("p10_underpricing", "p10 U"), ("p90_underpricing", "p90 U"),
            ("median_beta", "median β"), ("median_beta_sf", "median β_SF"),
        ]
        if full { cols.append(("median_underpricing_full", "median U_full")) }
        s.table(
            "sizes", "Per pool size", columns: cols,
            rows: rows.map { r in
                var row: [JSONValue] = [
                    .int(r.size), .int(r.subsets), .int(r.complete), .num(r.populatedShare), .num(r.median),
                    .num(r.p10), .num(r.p90),
                    .num(r.medianBeta), .num(r.medianBetaSF),
                ]
                if full { row.append(.num(r.medianFull)) }
                return row
            })
        return s
    }

    /// Median U against pool size with the 10–90 band, log y (the shape of Prop. 2's curve).
    public func plot() -> String {
        var chart = SVGChart(
            title: "Underpricing U_tet against pool size", xLabel: "pool size",
            yLabel: "U_tet = β / β_SF (log scale)",
            logY: true)
        chart.bands = [
            SVGChart.Band(
                name: "10–90 % of subsets",
                points: rows.compactMap { r in
                    guard let lo = r.p10, let hi = r.p90, lo > 0 else { return nil }
                    return (Double(r.size), lo, hi)
                }, color: "#2471a3")
        ]
        chart.series = [
            SVGChart.Series(
                name: "median", points: rows.compactMap { r in r.median.map { (Double(r.size), $0) } }, color: "#2471a3"
            )
        ]
        chart.references = [(1, "U = 1")]
        return chart.render()
    }
}
