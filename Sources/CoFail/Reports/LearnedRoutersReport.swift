import Foundation

extension Report.Section {
    /// Routers learned from the query text or features (METHODS §16.6).
    public static func learnedRouters(_ l: LearnedRouters, source: String, extraRows: Int) -> Report.Section {
        let o = l.options
        var s = Report.Section(key: "learned_routers", title: "Routers learned from the \(l.featureKind) (out of fold)")
        let features: JSONValue =
            l.featureKind == "text"
            ? .object([("kind", .string("text")), ("hash_buckets", .int(l.dimensions))])
            : .object([("kind", .string("numeric")), ("dimensions", .int(l.dimensions))])
        s.items.append(.json(key: "features", value: features))
        s.add("source", "features from", .string(source))
        s.add("extra_rows", "rows for queries not kept (ignored)", .int(extraRows))
        s.add("folds", "folds", .int(o.folds))
        s.add("seed", "fold seed", .string(String(o.seed)))
        s.add(
            "budget", "budget $ / query", o.budget.map { .number($0) } ?? .null, reason: o.budget == nil ? "none" : nil)
        s.add("baseline", "baseline", .string(l.baseline))
        s.add("baseline_accuracy", "baseline accuracy (out of fold)", .number(l.baselineAccuracy))
        s.add("overhead", "overhead o", .number(o.overhead))
        let noCost = "no costs in the input"
        var learners: [(String, JSONValue)] = []
        var rows: [[JSONValue]] = []
        for r in l.results {
            let e = r.evaluation
            let p = r.paired
            var obj: [(String, JSONValue)] = [
                ("router_accuracy", .number(e.accuracy)),
                ("router_cost", l.hasCosts ? .number(e.cost) : .null),
            ]
            if !l.hasCosts {
                obj.append(("router_cost_reason", .string(noCost)))
            }
            obj += [
                ("meets_budget", .bool(r.meetsBudget)), ("router_gain", .number(e.gain)),
                ("oracle_gain", .number(e.oracleGain)),
            ]
            obj += Report.Section.quantityPair("captured_share", e.capturedShare)
            obj.append(("share_routed_to_best", .number(e.shareRoutedToBest)))
            for (part, v) in e.frontierValues {
                obj += Report.Section.quantityPair("frontier_value_\(part.rawValue)", v)
            }
            for (part, v) in e.frontierRegrets {
                obj += Report.Section.quantityPair("frontier_regret_\(part.rawValue)", v)
            }
            obj += Report.Section.pairedComparison(p, gain: "gain_vs_\(l.baseline)")
            obj += Report.Section.quantityPair("mean_auc", r.meanAUC)
            obj.append(("auc_skipped_models", .array(r.aucSkippedModels.map { .string($0) })))
            obj.append(("mean_brier", .number(r.meanBrier)))
            let shares = zip(l.modelNames, r.routedShare).map { name, share in
                JSONValue.object([("model", .string(name)), ("share", .number(share))])
            }
            obj.append(("routed_share", .array(shares)))
            obj.append(
                (
                    "folds_detail",
                    .array(
                        r.folds.enumerated().map { f, c in
                            var d: [(String, JSONValue)] = [("fold", .int(f)), ("lambda_c", .num(c.lambda))]
                            if c.lambda == nil {
                                let why =
                                    r.learner == .type
                                    ? "the type router routes by the type frontier's policy, without λ_c"
                                    : "even the cheapest model exceeds the budget"
                                d.append(("lambda_c_reason", .string(why)))
                            }
                            d.append(("train_cost", .num(c.trainCost)))
                            if c.trainCost == nil {
                                d.append(("train_cost_reason", .string(l.hasCosts ? "no budget" : noCost)))
                            }
                            d.append(("budget_met", .bool(c.budgetMet)))
                            return .object(d)
                        })
                ))
            learners.append((r.learner.rawValue, .object(obj)))
            rows.append([
                .string(r.learner.rawValue), .number(e.accuracy), l.hasCosts ? .number(e.cost) : .null,
                .number(p.gain), .num(p.ciLo.value), .num(p.ciHi.value), .num(e.capturedShare.value),
                .string(p.verdict?.rawValue ?? "—"), .num(r.meanAUC.value),
            ])
        }
        s.items.append(.json(key: "learners", value: .object(learners)))
        s.display(
            "Learners (gain against the out-of-fold \(l.baseline))",
            columns: [
                ("learner", "learner"), ("accuracy", "accuracy"), ("cost", "$ / query"), ("gain", "gain"),
                ("lo", "ci lo"), ("hi", "ci hi"), ("captured", "captured share of G"), ("verdict", "verdict"),
                ("auc", "mean AUC"),
            ], rows: rows)
        return s
    }
}

extension Report.Section {
    /// The Part III paired comparison as JSON members: `gain` (under the given key) with `_se`,
    /// `_ci_lo`, `_ci_hi`, the discordant counts, McNemar's p and the verdict.
    static func pairedComparison(_ p: PairedComparison, gain: String) -> [(String, JSONValue)] {
        var obj: [(String, JSONValue)] = [(gain, .number(p.gain))]
        obj += quantityPair(gain + "_se", p.se)
        obj += quantityPair(gain + "_ci_lo", p.ciLo)
        obj += quantityPair(gain + "_ci_hi", p.ciHi)
        obj += [("discordant_wins", .int(p.discordantWins)), ("discordant_losses", .int(p.discordantLosses))]
        obj += quantityPair("mcnemar_p", p.mcnemarP)
        obj.append(("verdict", p.verdict.map { .string($0.rawValue) } ?? .null))
        if let why = p.verdictReason {
            obj.append(("verdict_reason", .string(why)))
        }
        return obj
    }
}

extension LearnedRouters {
    /// `query,learner,model` for every learner (the §14.2 routes input, one learner per file with
    /// a single learner).
    public func routesCSV(queryIDs: [String]) -> String {
        var out = "query,learner,model\n"
        for r in results {
            for (q, i) in r.routes.enumerated() {
                out += CSVText.quote(queryIDs[q]) + "," + r.learner.rawValue + "," + CSVText.quote(modelNames[i]) + "\n"
            }
        }
        return out
    }
}
