extension Report.Section {
    /// Budget-constrained routing (METHODS §12.8).
    public static func route(_ r: RouteAnalysis) -> Report.Section {
        let d = r.data
        let names = d.matrix.modelNames
        var s = Report.Section(key: "route", title: "Routing under a budget: frontier and shadow price")
        s.add("n_queries", "queries (n)", .int(d.n))
        s.add("n_models", "models (M)", .int(d.m))
        let modelRows: [[JSONValue]] = (0..<d.m).map { i in
            let a = d.accuracy(i)
            let c = d.meanCost(i)
            return [.string(names[i]), .number(c), .number(a), a > 0 ? .number(c / a) : .null]
        }
        s.table(
            "models", "Single models",
            columns: [
                ("model", "model"), ("mean_cost", "$ / query"), ("accuracy", "accuracy"),
                ("cost_per_correct", "$ / correct"),
            ], rows: modelRows)
        s.add("cheapest_model", "cheapest model", .string(names[r.cheapest]))
        s.add("best_model", "best model", .string(names[r.best]))
        s.add("best_accuracy", "best accuracy A*", .number(r.bestAccuracy))
        s.add("oracle_accuracy", "oracle accuracy 1 − β", .number(r.oracleAccuracy))
        var mix: [(String, JSONValue)] = [
            ("cheap_model", .string(names[r.cheapest])), ("best_model", .string(names[r.best])),
            ("slope", .num(r.randomMixSlope)),
        ]
        if r.randomMixSlope == nil {
            mix.append(("slope_reason", .string("the cheapest model is also the most accurate")))
        }
        mix.append(
            (
                "curve",
                .array(
                    r.grid.map { b in .object([("budget", .number(b)), ("value", .num(r.randomMix(at: b).value))]) })
            )
        )
        s.items.append(.json(key: "random_mix", value: .object(mix)))
        s.items.append(.json(key: "frontiers", value: .array(r.frontiers.indices.map { frontierJSON(r, $0) })))
        s.display(
            "Frontiers (V(B): best accuracy at a mean cost of B dollars per query)",
            columns: [
                ("partition", "partition"), ("n_types", "types"), ("budget_min", "B_min"), ("value_min", "V_min"),
                ("oracle_cost", "oracle $"), ("oracle_value", "oracle V"), ("n_vertices", "vertices"),
                ("min_cost_per_correct", "min $/correct"), ("cost_to_match_best", "$ to match A*"),
                ("gain_at_best_cost", "gain at best's $"),
            ],
            rows: r.frontiers.map { f in
                let best = d.meanCost(r.best)
                let match = f.budget(reaching: r.bestAccuracy)
                return [
                    .string(f.partition.rawValue), .int(f.typeCount), .number(f.budgetMin), .number(f.valueMin),
                    .number(f.oracleCost), .number(f.oracleValue), .int(f.vertexCount),
                    .num(f.minCostPerCorrect.value.value), .num(match),
                    .num(f.value(at: best).value.map { $0 - r.bestAccuracy }),
                ]
            })
        s.display(
            "Canonical policies",
            columns: [
                ("partition", "partition"), ("budget", "budget"), ("value", "V(B)"), ("cost", "cost"),
                ("lambda_left", "λ⁻"), ("lambda_right", "λ⁺"), ("shares", "share by model"),
            ],
            rows: r.frontiers.indices.map { k in
                let (f, p) = (r.frontiers[k], r.policies[k])
                let lam = f.shadowPrices(at: p.budget)
                let shares = zip(names, p.shareByModel).filter { $0.1 > 0 }.map { "\($0.0) \(Report.fmt($0.1))" }
                return [
                    .string(f.partition.rawValue), .number(p.budget), .num(f.value(at: p.budget).value),
                    .number(r.policyCosts[k]), .num(lam.left.value), .num(lam.right.value),
                    .string(shares.joined(separator: ", ")),
                ]
            })
        return s
    }

    static func frontierJSON(_ r: RouteAnalysis, _ k: Int) -> JSONValue {
        let f = r.frontiers[k]
        let d = r.data
        let names = d.matrix.modelNames
        var o: [(String, JSONValue)] = [
            ("partition", .string(f.partition.rawValue)), ("n_types", .int(f.typeCount)),
            ("budget_min", .number(f.budgetMin)), ("value_min", .number(f.valueMin)),
            ("oracle_cost", .number(f.oracleCost)), ("oracle_value", .number(f.oracleValue)),
            ("n_vertices", .int(f.vertexCount)),
        ]
        o.append(
            (
                "vertices",
                .array(
                    f.budgets.indices.map { j in
                        .object([
                            ("budget", .number(f.budgets[j])), ("value", .number(f.values[j])),
                            ("slope_left", j == 0 ? .null : .number(f.slopes[j - 1])),
                            ("slope_right", .number(j < f.slopes.count ? f.slopes[j] : 0)),
                        ])
                    })
            ))
        let cpc = f.minCostPerCorrect
        o += quantityPair("min_cost_per_correct", cpc.value)
        o += quantityPair("min_cost_per_correct_budget", cpc.budget)
        let bestCost = d.meanCost(r.best)
        let match = f.budget(reaching: r.bestAccuracy)
        o += quantityPair(
            "cost_to_match_best", match.map { .defined($0) } ?? .undefined("the frontier never reaches A*"))
        o += quantityPair(
            "savings_at_best_accuracy",
            match.map { .defined(bestCost - $0) } ?? .undefined("the frontier never reaches A*"))
        let atBest = f.value(at: bestCost)
        o += quantityPair("value_at_best_cost", atBest)
        o += quantityPair("gain_at_best_cost", atBest.value.map { .defined($0 - r.bestAccuracy) } ?? atBest)
        o.append(("partition_oracle_gain", .number(f.oracleValue - r.bestAccuracy)))
        if f.partition != .query {
            o.append(("uniformly_best_models", .array(f.uniformlyBest.map { .string(names[$0]) })))
        }
        o.append(
            (
                "model_gains",
                .array(
                    (0..<d.m).map { i in
                        let v = f.value(at: d.meanCost(i))
                        var row: [(String, JSONValue)] = [("model", .string(names[i]))]
                        row += quantityPair("frontier_value", v)
                        row += quantityPair("routing_gain", v.value.map { .defined($0 - d.accuracy(i)) } ?? v)
                        return .object(row)
                    })
            ))
        o.append(
            (
                "curve",
                .array(
                    r.grid.map { b in
                        let lam = f.shadowPrices(at: b)
                        var row: [(String, JSONValue)] = [("budget", .number(b))]
                        row += quantityPair("value", f.value(at: b))
                        row += quantityPair("shadow_price_left", lam.left)
                        row += quantityPair("shadow_price_right", lam.right)
                        return .object(row)
                    })
            ))
        let p = r.policies[k]
        let lam = f.shadowPrices(at: p.budget)
        var pol: [(String, JSONValue)] = [("budget", .number(p.budget))]
        pol += quantityPair("value", f.value(at: p.budget))
        pol.append(("cost", .number(r.policyCosts[k])))
        pol += quantityPair("shadow_price_left", lam.left)
        pol += quantityPair("shadow_price_right", lam.right)
        pol.append(("fractional_types", .int(p.fractionalTypes)))
        pol.append(
            (
                "share_by_model",
                .array(
                    zip(names, p.shareByModel).map { .object([("model", .string($0.0)), ("share", .number($0.1))]) })
            ))
        if f.typeCount <= 100 {
            pol.append(
                (
                    "routes",
                    .array(
                        p.routes.map {
                            .object([
                                ("type", .string(f.typeNames[$0.type])), ("model", .string(names[$0.model])),
                                ("weight", .number($0.weight)),
                            ])
                        })
                ))
        } else {
            pol.append(("routes", .null))
            pol.append(
                ("routes_reason", .string("more than 100 types: the policy file lists every (type, model, weight)")))
        }
        o.append(("policy", .object(pol)))
        return .object(o)
    }

    /// A router's choices against the oracle gain and the frontiers (METHODS §14.2).
    public static func router(_ e: RouterEvaluation, ignored: Int) -> Report.Section {
        var s = Report.Section(key: "router", title: "Router evaluation")
        routerFields(&s, e)
        s.add("routes_ignored", "routes of dropped queries (ignored)", .int(ignored))
        return s
    }

    static func routerFields(_ s: inout Report.Section, _ e: RouterEvaluation) {
        s.add("router_accuracy", "router accuracy", .number(e.accuracy))
        s.add("router_cost", "router $ / query", .number(e.cost))
        s.add("router_gain", "router gain over A*", .number(e.gain))
        s.add("oracle_gain", "oracle gain G", .number(e.oracleGain))
        s.add("captured_share", "captured share of G", e.capturedShare)
        s.add("share_routed_to_best", "share routed to a best model", .number(e.shareRoutedToBest))
        for (p, v) in e.frontierValues {
            s.add("frontier_value_\(p.rawValue)", "frontier V_\(p.rawValue)(router cost)", v)
        }
        for (p, v) in e.frontierRegrets {
            s.add("frontier_regret_\(p.rawValue)", "regret to V_\(p.rawValue)", v)
        }
    }

    /// The realisable type router's out-of-fold evaluation.
    public static func typeRouter(_ t: TypeRouter) -> Report.Section {
        var s = Report.Section(key: "type_router", title: "Realisable type router (\(t.folds)-fold, out of fold)")
        s.add("folds", "folds", .int(t.folds))
        s.add("seed", "fold seed", .string(String(t.seed)))
        s.add(
            "policy_budget", "policy budget $ / query", .num(t.policyBudget),
            reason: t.policyBudget == nil ? "none: each training type frontier's oracle cost" : nil)
        s.table(
            "folds_detail", "Per fold (regret to the full-sample type frontier)",
            columns: [
                ("fold", "fold"), ("n_test", "test queries"), ("unseen_type_queries", "unseen types"),
                ("train_cost", "train $ / query"), ("budget_met", "budget met"),
                ("router_accuracy", "accuracy"), ("router_cost", "$ / query"), ("router_gain", "gain over A*"),
                ("captured_share", "captured"), ("frontier_regret_type", "regret to V_type"),
            ],
            rows: t.perFold.enumerated().map { f, x in
                [
                    .int(f), .int(x.testQueries), .int(x.unseenTypeQueries), .number(x.trainCost), .bool(x.budgetMet),
                    .number(x.evaluation.accuracy), .number(x.evaluation.cost), .number(x.evaluation.gain),
                    .num(x.evaluation.capturedShare.value), .num(x.evaluation.frontierRegrets.first?.value.value),
                ]
            })
        routerFields(&s, t.pooled)
        return s
    }
}

extension RouteAnalysis {
    static let partitionColor: [RoutePartition: String] = [.none: "#7f8c8d", .type: "#27ae60", .query: "#c0392b"]

    /// Two panels: accuracy against dollars per query (frontiers, single models, random mixing,
    /// the router), and the shadow price λ(B) of each frontier as a step function.
    /// `learned` adds each learned router's held-out point (METHODS §16).
    public func plot(router: RouterEvaluation?, learned: LearnedRouters? = nil) -> String {
        let names = data.matrix.modelNames
        let learnedCosts = learned?.results.map(\.evaluation.cost) ?? []
        let right =
            ([grid.last ?? 0] + frontiers.map(\.oracleCost) + (0..<data.m).map(data.meanCost) + [router?.cost ?? 0]
            + learnedCosts).max() ?? 1
        var top = SVGChart(
            title: "What can a router buy? Best accuracy at a budget", xLabel: "dollars per query",
            yLabel: "accuracy", logY: false)
        var bottom = SVGChart(
            title: "Shadow price λ(B): accuracy one more dollar buys (0 beyond the oracle cost)",
            xLabel: "dollars per query",
            yLabel: "accuracy per dollar (log)", logY: true)
        for f in frontiers {
            let color = RouteAnalysis.partitionColor[f.partition] ?? "#333"
            let pts = f.budgets.indices.map { (x: f.budgets[$0], y: f.values[$0]) } + [(x: right, y: f.oracleValue)]
            top.series.append(.init(name: "frontier: \(f.partition.rawValue)", points: pts, color: color))
            var steps: [(x: Double, y: Double)] = []
            for k in f.slopes.indices {
                steps.append((f.budgets[k], f.slopes[k]))
                steps.append((f.budgets[k + 1], f.slopes[k]))
            }
            bottom.series.append(.init(name: "λ: \(f.partition.rawValue)", points: steps, color: color))
        }
        if randomMixSlope != nil {
            let (c, b) = (cheapest, best)
            top.series.append(
                .init(
                    name: "random mix",
                    points: [
                        (data.meanCost(c), data.accuracy(c)), (data.meanCost(b), data.accuracy(b)),
                        (right, data.accuracy(b)),
                    ], color: "#2471a3", dashed: true))
        }
        for i in 0..<data.m {
            top.marks.append((data.meanCost(i), data.accuracy(i), data.m <= 30 ? names[i] : "", "#34495e"))
        }
        if let router {
            top.marks.append((router.cost, router.accuracy, "router", "#8e44ad"))
        }
        for r in learned?.results ?? [] {
            let e = r.evaluation
            top.marks.append((e.cost, e.accuracy, "learned \(r.learner.rawValue) (held out)", "#d35400"))
        }
        return SVGChart.stacked([top, bottom])
    }
}
