import Foundation

extension Report {
    /// The report of `cofail simulate curve` (METHODS §8): for the common shock and, when given,
    /// Clayton with the same p and c, the curve β_m against the single-factor β_SF,m.
    public static func simulateCurve(
        law: String, pi: Double, q: Double, maxModels: Int, shock: [CurvePoint]?,
        clayton: (theta: Double, points: [CurvePoint])?
    ) -> Report {
        var report = Report(
            command: "simulate curve",
            inputs: [("law", .string(law)), ("pi", .number(pi)), ("q", .number(q)), ("max_models", .int(maxModels))])
        func section(
            _ key: String, _ title: String, _ pts: [CurvePoint], extra: [(String, String, JSONValue)]
        )
            -> Report.Section
        {
            var s = Report.Section(key: key, title: title)
            for (k, l, v) in extra {
                s.add(k, l, v)
            }
            s.table(
                "curve", "β_m vs single-factor β_SF,m",
                columns: [
                    ("m", "m"), ("p", "p"), ("co_error", "co-error"), ("rho", "ρ"), ("beta_m", "β_m"),
                    ("beta_sf_m", "β_SF,m"), ("ratio", "ratio"),
                ],
                rows: pts.map {
                    [
                        .int($0.m), .number($0.p), .number($0.coError), .number($0.rho), .number($0.betaM),
                        .number($0.betaSFM), .num($0.ratio),
                    ]
                })
            return s
        }
        if let shock, let first = shock.first {
            report.sections.append(
                section(
                    "shock", "Common shock (π = \(Report.fmt(pi)), q = \(Report.fmt(q)))", shock,
                    extra: [
                        ("pi", "π", .number(pi)), ("q", "q", .number(q)), ("error", "p", .number(first.p)),
                        ("co_error", "c", .number(first.coError)),
                    ]))
        }
        if let clayton, let first = clayton.points.first {
            report.sections.append(
                section(
                    "clayton", "Clayton with the same p and c (θ = \(Report.fmt(clayton.theta)))", clayton.points,
                    extra: [
                        ("clayton_theta", "θ", .number(clayton.theta)), ("error", "p", .number(first.p)),
                        ("co_error", "c", .number(first.coError)),
                    ]))
        }
        return report
    }
}

/// The chart of `cofail simulate curve --plot`: β_m / β_SF,m against m for each law, on a log scale.
public enum SyntheticCurveChart {
    public static func render(shock: [CurvePoint], clayton: [CurvePoint]?) -> String {
        var chart = SVGChart(
            title: "Underpricing of the single-factor model: β_m / β_SF,m", xLabel: "pool size m",
            yLabel: "ratio (log scale)", logY: true)
        chart.series = [
            SVGChart.Series(name: "common shock", points: shock.map { (Double($0.m), $0.ratio) }, color: "#c0392b")
        ]
        if let clayton {
            chart.series.append(
                SVGChart.Series(
                    name: "Clayton", points: clayton.map { (Double($0.m), $0.ratio) }, color: "#2471a3", dashed: true))
        }
        chart.references = [(1, "ratio 1")]
        return chart.render()
    }
}
