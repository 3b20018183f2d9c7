import Foundation

extension Report.Section {
    /// The release timeline (METHODS §19).
    public static func timeline(_ t: ReleaseTimeline) -> Report.Section {
        var s = Report.Section(key: "timeline", title: "Release timeline: the pool as models arrive")
        s.add("n_queries", "queries (the same on every date)", .int(t.n))
        s.add("commit_date", "commit date d₀", .string(t.commitDate))
        s.add("commit_best_accuracy", "best accuracy available at d₀", .number(t.commitBestAccuracy))
        s.add("alpha", "β interval level α", .number(t.alpha))
        s.add("cost_per_correct_fall", "fall of the best single model's $ per correct", t.costPerCorrectFall)
        s.add(
            "oracle_cost_per_correct_fall", "fall of the per-query oracle's least $ per correct",
            t.oracleCostPerCorrectFall)
        let rows: [JSONValue] = t.rows.map { r in
            var obj: [(String, JSONValue)] = [
                ("date", .string(r.date)), ("new_models", .array(r.newModels.map { .string($0) })),
                ("n_models", .int(r.models.count)), ("models", .array(r.models.map { .string($0) })),
                ("best_model", .string(r.bestModel)), ("best_accuracy", .number(r.bestAccuracy)),
                ("k_all_wrong", .int(r.kAllWrong)), ("beta", .number(r.beta)), ("beta_ci_lo", .number(r.betaCILo)),
                ("beta_ci_hi", .number(r.betaCIHi)), ("oracle_accuracy", .number(r.oracleAccuracy)),
                ("oracle_gain", .number(r.oracleGain)),
            ]
            obj += quantityPair("best_single_cost_per_correct", r.bestSingleCostPerCorrect)
            obj += quantityPair("oracle_min_cost_per_correct", r.oracleMinCostPerCorrect)
            obj.append(("option_value", .number(r.optionValue)))
            return .object(obj)
        }
        s.items.append(.json(key: "dates", value: .array(rows)))
        s.display(
            "Per release date (pool = every model released on or before it)",
            columns: [
                ("date", "date"), ("new", "new models"), ("n", "models"), ("best", "best model"), ("a", "A*"),
                ("ceiling", "1 − β"), ("g", "G"), ("single", "best single $/correct"),
                ("oracle", "oracle $/correct"), ("option", "option value"),
            ],
            rows: t.rows.map { r in
                [
                    .string(r.date), .string(r.newModels.joined(separator: ", ")), .int(r.models.count),
                    .string(r.bestModel), .number(r.bestAccuracy), .number(r.oracleAccuracy), .number(r.oracleGain),
                    .num(r.bestSingleCostPerCorrect.value), .num(r.oracleMinCostPerCorrect.value),
                    .number(r.optionValue),
                ]
            })
        return s
    }
}

extension ReleaseTimeline {
    /// Two panels against the release date (days since the first): the best accuracy A* and the
    /// ceiling 1 − β; the best single model's and the per-query oracle's dollars per correct (log).
    public func plot() -> String {
        let day0 = ReleaseDate.dayNumber(rows[0].date) ?? 0
        let x = rows.map { Double((ReleaseDate.dayNumber($0.date) ?? day0) - day0) }
        let xLabel = "days since \(rows[0].date)"
        var top = SVGChart(
            title: "What the pool could reach as models were released", xLabel: xLabel, yLabel: "accuracy", logY: false)
        top.series.append(
            .init(name: "best model A*", points: zip(x, rows).map { ($0, $1.bestAccuracy) }, color: "#34495e"))
        top.series.append(
            .init(
                name: "ceiling 1 − β", points: zip(x, rows).map { ($0, $1.oracleAccuracy) }, color: "#c0392b",
                dashed: true))
        var bottom = SVGChart(
            title: "Dollars per correct answer", xLabel: xLabel, yLabel: "$ per correct (log)", logY: true)
        let single = zip(x, rows).compactMap { a, r in r.bestSingleCostPerCorrect.value.map { (a, $0) } }
        let oracle = zip(x, rows).compactMap { a, r in r.oracleMinCostPerCorrect.value.map { (a, $0) } }
        bottom.series.append(.init(name: "best single model", points: single, color: "#2471a3"))
        bottom.series.append(.init(name: "per-query oracle", points: oracle, color: "#27ae60", dashed: true))
        return SVGChart.stacked([top, bottom])
    }
}
