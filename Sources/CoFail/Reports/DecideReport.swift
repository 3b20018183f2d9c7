import Foundation

extension Report.Section {
    /// Which deployable policy to build (METHODS §17.4–§17.5): the recommendation first, the
    /// candidates, the chart, the ceiling, the per-fold choices.
    public static func decide(_ d: Decide) -> Report.Section {
        let o = d.options
        let names = d.modelNames
        var s = Report.Section(key: "decide", title: "What to deploy (held-out, \(o.folds) folds)")
        let rec = d.recommended
        s.add("recommendation", "recommendation", .string(d.recommendation.rawValue))
        s.add("reason", "why", .string(d.reason))
        let p = rec.paired!
        s.add("recommended_gain", "gain over the baseline", .number(p.gain))
        s.add("recommended_gain_ci_lo", "gain \(pct(1 - o.alpha)) interval, lower", p.ciLo)
        s.add("recommended_gain_ci_hi", "gain \(pct(1 - o.alpha)) interval, upper", p.ciHi)
        s.add("single_best_all_queries", "single best on all kept queries", .string(names[d.singleBestAllQueries]))
        if let mix = d.bestMixtureAllQueries {
            let value: JSONValue = .object([
                ("models", .array(mix.models.map { .string(names[$0]) })), ("weight", .num(mix.weight)),
                ("meets_budget", .bool(mix.meetsBudget)),
            ])
            let text =
                mix.weight == 0
                ? names[mix.from] + (mix.meetsBudget ? "" : " (exceeds the budget)")
                : "\(names[mix.from]) (\(Report.fmt(1 - mix.weight))) + \(names[mix.to]) (\(Report.fmt(mix.weight)))"
            s.add("best_mixture_all_queries", "best mixture on all kept queries", value, display: text)
        } else {
            s.add("best_mixture_all_queries", "best mixture on all kept queries", .null, reason: "no budget")
        }
        s.add("baseline", "baseline", .string(d.baseline.rawValue))
        s.add("budget", "budget $ / query", .num(o.budget), reason: o.budget == nil ? "none" : nil)
        s.add("overhead", "overhead o", .number(o.overhead))
        s.add("folds", "folds", .int(o.folds))
        s.add("seed", "fold seed", .string(String(o.seed)))
        s.add("alpha", "interval level α", .number(o.alpha))

        var candidates: [JSONValue] = []
        var rows: [[JSONValue]] = []
        for c in d.candidates {
            var obj: [(String, JSONValue)] = [
                ("candidate", .string(c.candidate.rawValue)), ("available", .bool(c.available)),
            ]
            if let why = c.unavailableReason {
                obj.append(("unavailable_reason", .string(why)))
            }
            if c.candidate == .cascade {
                obj.append(("ineligible_cheap_models", .array(c.ineligibleCheapModels.map { .string($0) })))
            }
            guard c.available, let pc = c.paired else {
                candidates.append(.object(obj))
                rows.append(
                    [
                        .string(c.candidate.rawValue), .null, .null, .null, .null, .null, .null, .null,
                        .string("unavailable: \(c.unavailableReason ?? "")"),
                    ])
                continue
            }
            obj.append(("accuracy", .number(c.accuracy)))
            obj += quantityPair("cost", c.meanCost.map { .defined($0) } ?? .undefined("no costs in the input"))
            obj += quantityPair("cost_per_correct", c.costPerCorrect)
            obj += pairedComparison(pc, gain: "gain")
            obj += quantityPair("captured_share", c.capturedShare)
            obj.append(("meets_budget", .bool(c.meetsBudget)))
            obj.append(("choice", .array(c.choices.enumerated().map { f, x in choiceJSON(f, x, c.candidate, d) })))
            candidates.append(.object(obj))
            rows.append([
                .string(c.candidate.rawValue + (c.candidate == d.recommendation ? " ◀" : "")), .number(c.accuracy),
                .num(c.meanCost), .number(pc.gain), .num(pc.ciLo.value), .num(pc.ciHi.value), .num(pc.mcnemarP.value),
                .bool(c.meetsBudget), .string(pc.verdict?.rawValue ?? "—"),
            ])
        }
        s.items.append(.json(key: "candidates", value: .array(candidates)))
        s.display(
            "Candidates against the out-of-fold \(d.baseline.rawValue) (◀ recommended)",
            columns: [
                ("candidate", "candidate"), ("accuracy", "accuracy"), ("cost", "$ / query"), ("gain", "gain"),
                ("lo", "ci lo"), ("hi", "ci hi"), ("mcnemar", "McNemar p"), ("meets", "meets budget"),
                ("verdict", "verdict"),
            ], rows: rows)
        s.items.append(.figure(title: "Held-out accuracy and cost of every candidate", svg: d.chart()))

        let cert = d.certificate
        var ceiling: [(String, JSONValue)] = [
            ("beta", .number(cert.beta)), ("beta_ci_lo", .number(cert.betaCILo)),
            ("beta_ci_hi", .number(cert.betaCIHi)),
            ("best_accuracy", .number(cert.bestAccuracy)), ("oracle_accuracy", .number(cert.oracleAccuracy)),
            ("oracle_gain", .number(cert.oracleGain)), ("certified_headroom", .number(cert.certifiedHeadroom)),
            ("regime", .string(cert.regime.rawValue)),
        ]
        if let q = d.sequential {
            ceiling += [("sequential_decision", .string(q.decision.rawValue))]
            ceiling.append(("sequential_decided_at", q.decidedAt.map { .int($0) } ?? .null))
            if q.decidedAt == nil {
                ceiling.append(("sequential_decided_at_reason", .string("undecided after all \(q.n) queries")))
            }
        } else {
            ceiling += [
                ("sequential_decision", .null), ("sequential_decision_reason", .string(d.sequentialReason ?? "")),
            ]
        }
        s.items.append(.json(key: "ceiling", value: .object(ceiling)))
        s.add("frontier_value_query", "per-query oracle at the budget V_query(B)", d.frontierValueQuery)
        let level = pct(1 - o.alpha)
        var box: [[JSONValue]] = [
            [
                .string("all-wrong rate β (\(level) CP)"),
                .string("\(Report.fmt(cert.beta)) [\(Report.fmt(cert.betaCILo)), \(Report.fmt(cert.betaCIHi))]"),
            ],
            [.string("ceiling 1 − β"), .number(cert.oracleAccuracy)],
            [.string("best single model A* (in sample)"), .number(cert.bestAccuracy)],
            [.string("oracle gain G = 1 − β − A*"), .number(cert.oracleGain)],
            [.string("certified headroom H (δ = \(Report.fmt(o.delta)))"), .number(cert.certifiedHeadroom)],
            [.string("regime"), .string(cert.regime.rawValue)],
        ]
        if let q = d.sequential {
            let at = q.decidedAt.map { " after \($0) of \(q.n) queries" } ?? " (all \(q.n) queries)"
            box.append([.string("sequential certificate at o (input order)"), .string(q.decision.rawValue + at)])
        } else {
            box.append([.string("sequential certificate"), .string("undefined — " + (d.sequentialReason ?? ""))])
        }
        s.display(
            "The certificate: no policy that answers with a member's answer beats 1 − β",
            columns: [("quantity", "quantity"), ("value", "value")], rows: box)

        var foldRows: [[JSONValue]] = []
        for c in d.candidates where c.available {
            for (f, x) in c.choices.enumerated() {
                foldRows.append([
                    .string(c.candidate.rawValue), .int(f), .string(choiceText(x, c.candidate, d)),
                    .num(x.trainAccuracy), .num(x.trainCost), .bool(x.budgetMet),
                ])
            }
        }
        s.display(
            "Per-fold choices (made on the other folds' queries)",
            columns: [
                ("candidate", "candidate"), ("fold", "fold"), ("choice", "choice"),
                ("train_accuracy", "train accuracy"),
                ("train_cost", "train $ / query"), ("budget_met", "budget met"),
            ], rows: foldRows)
        return s
    }

    static func choiceJSON(_ f: Int, _ x: Decide.Choice, _ c: DecideCandidate, _ d: Decide) -> JSONValue {
        let names = d.modelNames
        var obj: [(String, JSONValue)] = [("fold", .int(f)), ("models", .array(x.models.map { .string(names[$0]) }))]
        switch c {
        case .bestMixture:
            obj.append(("weight", .num(x.weight ?? 0)))
        case .cascade:
            obj.append(("threshold", .num(x.threshold)))
            if x.threshold == nil {
                obj.append(("threshold_reason", .string("escalate all")))
            }
        case .routeType:
            let types = (x.typeModels ?? []).map { t in
                JSONValue.object([("type", .string(t.type)), ("model", .string(names[t.model]))])
            }
            obj.append(("types", .array(types)))
        case .routeKNN, .routeLogistic:
            obj.append(("lambda_c", .num(x.lambda)))
            if x.lambda == nil {
                obj.append(("lambda_c_reason", .string("even the cheapest model exceeds the budget")))
            }
        case .singleBest, .cheapestWithinBand, .vote:
            break
        }
        if c != .routeKNN && c != .routeLogistic {
            obj.append(("train_accuracy", .num(x.trainAccuracy)))
        }
        obj.append(("train_cost", .num(x.trainCost)))
        if x.trainCost == nil {
            obj.append(("train_cost_reason", .string(d.hasCosts ? "no budget" : "no costs in the input")))
        }
        obj.append(("budget_met", .bool(x.budgetMet)))
        return .object(obj)
    }

    static func choiceText(_ x: Decide.Choice, _ c: DecideCandidate, _ d: Decide) -> String {
        let names = x.models.map { d.modelNames[$0] }
        switch c {
        case .bestMixture:
            guard let w = x.weight, names.count == 2 else {
                return names.joined()
            }
            return "\(names[0]) (\(Report.fmt(1 - w))) + \(names[1]) (\(Report.fmt(w)))"
        case .vote:
            return "majority of " + names.joined(separator: ", ")
        case .cascade:
            let tau = x.threshold.map { "s < \(Report.fmt($0))" } ?? "always"
            return "\(names[0]) → \(names[1]) when \(tau)"
        case .routeType:
            return (x.typeModels ?? []).map { "\($0.type)→\(d.modelNames[$0.model])" }.joined(separator: ", ")
        case .routeKNN, .routeLogistic:
            return x.lambda.map { "λ_c = \(Report.fmt($0))" } ?? "cheapest model (budget below it)"
        case .singleBest, .cheapestWithinBand:
            return names.joined()
        }
    }
}

extension Decide {
    /// Accuracy against dollars per query: every available candidate's held-out point with its
    /// interval (the baseline's accuracy plus the gain's interval), §12's frontiers, the single
    /// models, and the ceiling 1 − β. Without costs the x axis is the candidates' order.
    public func chart() -> String {
        var c = SVGChart(
            title: "Held-out accuracy of each candidate (bars: gain interval)",
            xLabel: hasCosts ? "dollars per query" : "candidate (no costs in the input)", yLabel: "accuracy",
            logY: false)
        let base = outcome(baseline).accuracy
        let available = candidates.filter(\.available)
        let colors: [DecideCandidate: String] = [
            .singleBest: "#34495e", .bestMixture: "#7f8c8d", .cheapestWithinBand: "#2980b9", .vote: "#8e44ad",
            .routeType: "#27ae60", .routeKNN: "#d35400", .routeLogistic: "#e67e22", .cascade: "#c0392b",
        ]
        for (k, o) in available.enumerated() {
            let x = hasCosts ? (o.meanCost ?? 0) : Double(k + 1)
            let color = colors[o.candidate] ?? "#333"
            if let lo = o.paired?.ciLo.value, let hi = o.paired?.ciHi.value {
                c.intervals.append((x, base + lo, base + hi, color))
            }
            c.marks.append((x, o.accuracy, o.candidate.rawValue, color))
        }
        if hasCosts {
            let right = ((modelCosts ?? []) + available.compactMap(\.meanCost) + frontiers.map(\.oracleCost)).max() ?? 1
            for f in frontiers {
                let color = RouteAnalysis.partitionColor[f.partition] ?? "#333"
                let pts = f.budgets.indices.map { (x: f.budgets[$0], y: f.values[$0]) } + [(x: right, y: f.oracleValue)]
                c.series.append(
                    .init(name: "frontier: \(f.partition.rawValue)", points: pts, color: color, dashed: true))
            }
            if m <= 30, let costs = modelCosts {
                for i in 0..<m where i != singleBestAllQueries {
                    c.scatter.append((costs[i], modelAccuracies[i], 0.5))
                }
            }
            if let b = options.budget {
                c.verticals.append((b, "budget"))
            }
        }
        c.references.append((certificate.oracleAccuracy, "ceiling 1 − β"))
        c.references.append((modelAccuracies[singleBestAllQueries], "single best \(modelNames[singleBestAllQueries])"))
        return c.render(width: 760, height: 460)
    }
}
