extension Report.Section {
    /// The pair's data: the §0 data section plus the confidence filter of §0′.
    public static func cascadeData(_ raw: RawMatrix, _ input: CascadeInput) -> Report.Section {
        var s = Report.Section.data(raw, input.matrix, input.coverage)
        let d = input.droppedNoConfidence
        s.add(
            "dropped_no_confidence", "queries dropped (no cheap-model confidence)", .array(d.map { .string($0) }),
            display: d.isEmpty
                ? "(none)" : "\(d.count): " + d.prefix(12).joined(separator: ", ") + (d.count > 12 ? ", …" : ""))
        s.add("ignored_confidences", "confidences of other models (ignored)", .int(input.ignoredConfidences))
        return s
    }

    /// The confidence cascade (METHODS §13.10).
    public static func cascade(_ a: CascadeAnalysis) -> Report.Section {
        let c = a.curve
        let f = a.floor
        var s = Report.Section(key: "cascade", title: "Confidence cascade \(a.cheap) → \(a.strong)")
        s.add("cheap_model", "cheap model S", .string(a.cheap))
        s.add("strong_model", "strong model L", .string(a.strong))
        s.add("n_queries", "queries (n)", .int(c.n))
        s.add("cheap_accuracy", "cheap accuracy a_S", .number(c.cheapAccuracy))
        s.add("strong_accuracy", "strong accuracy a_L", .number(c.strongAccuracy))
        s.add("pair_oracle_accuracy", "pair oracle P(S or L right)", .number(f.pairOracleAccuracy))
        s.add("confidence_levels", "distinct confidences (K)", .int(c.levels.count))
        let noCost = Quantity.undefined(CascadeCurve.noCosts)
        s.add("cheap_cost", "cheap $ / query", c.cheapMeanCost.map { .defined($0) } ?? noCost)
        s.add("strong_cost", "strong $ / query", c.strongMeanCost.map { .defined($0) } ?? noCost)
        s.add("cheap_cost_per_correct", "cheap $ / correct", f.cheapCostPerCorrect)
        s.add("strong_cost_per_correct", "strong $ / correct D_L", f.strongCostPerCorrect)
        s.add("auc", "verifier AUC (ties ½)", c.auc)
        s.add("integrated_advantage", "integrated advantage ∫Δ de", .number(c.integratedAdvantage))
        s.add("integrated_calibration", "  calibration part ∫Δ_cal", .number(c.integratedCalibration))
        s.add("integrated_tail_edge", "  tail-edge part ∫Δ_tail", .number(c.integratedTailEdge))
        let mx = c.maxAdvantage
        s.add("max_advantage", "max advantage over random mixing", .number(mx.value))
        s.add("max_advantage_escalation", "  at escalation", .number(mx.escalation))
        s.add("strong_accuracy_on_cheap_errors", "L's accuracy on S's errors α_W", f.strongAccuracyOnCheapErrors)
        s.add("floor", "quality floor A_min", .number(f.floor))
        s.add("escalation_at_floor", "escalation at the floor e_C", f.escalationAtFloor)
        s.add("random_escalation_at_floor", "random-mixing escalation e_R", f.randomEscalationAtFloor)
        s.add("escalation_ratio", "escalation ratio e_C/e_R", f.escalationRatio)
        s.add("escalation_ratio_calibrated", "perfect calibration 1 − a_S/a_L", f.escalationRatioCalibrated)
        s.add("escalation_ratio_perfect", "perfect calibration (a_L − a_S)/α_W", f.escalationRatioPerfect)
        s.add("cost_per_correct_at_floor", "best $ / correct at the floor", f.costPerCorrectAtFloor)
        s.add("cost_at_floor", "$ / query at the floor crossing", f.costAtFloor)
        s.add(
            "dominates_strong_at_floor", "beats L alone on $ / correct",
            f.dominatesStrong.map { .bool($0) } ?? .null, reason: f.dominatesStrongReason)
        s.add("dominance_band_hi", "dominance band upper end", f.dominanceBandHi)
        s.add("tail_edge_at_floor", "tail edge at the floor", f.tailEdgeAtFloor)
        s.items.append(.deferredJSON(key: "curve") { .array((0..<c.pointCount).map { curvePoint(c, $0) }) })
        let shown = Set(
            stride(from: 0, to: c.pointCount, by: max(1, c.pointCount / 10)).map { $0 } + [c.pointCount - 1])
        s.display(
            "Operating curve (escalate s < τ; every point in JSON)",
            columns: [
                ("threshold", "τ"), ("escalation", "e"), ("accuracy", "A"), ("random_accuracy", "A_R"),
                ("advantage", "Δ"), ("cost", "$ / query"), ("tail_edge", "tail edge"),
            ],
            rows: shown.sorted().map { j in
                [
                    c.threshold(j).map { .number($0) } ?? .string("+∞"), .number(c.escalation(j)),
                    .number(c.accuracy(j)), .number(c.randomAccuracy(j)), .number(c.advantage(j)),
                    .num(c.cost?[j]), .num(c.tail(j).edge.value),
                ]
            })
        s.items.append(.json(key: "heldout", value: heldOutJSON(a.heldOut)))
        let h = a.heldOut
        s.display(
            "Held-out thresholds (\(h.folds) folds, objective \(h.objective.rawValue))",
            columns: [
                ("fold", "fold"), ("n_test", "test n"), ("threshold", "τ"), ("train_escalation", "train e"),
                ("test_escalation", "test e"), ("test_accuracy", "test A"), ("test_advantage", "test Δ"),
                ("test_auc", "test AUC"),
            ],
            rows: h.perFold.enumerated().map { k, x in
                [
                    .int(k), .int(x.testQueries), x.threshold.map { .number($0) } ?? .string("+∞"),
                    .number(x.trainEscalation), .number(x.testEscalation), .number(x.testAccuracy),
                    .number(x.testAdvantage), .num(x.testAUC.value),
                ]
            })
        s.items.append(.json(key: "noise", value: noiseJSON(a.noise)))
        s.display(
            "Noise injection s_η = (1 − η)·rank + η·uniform (\(a.noise.seeds) seeds per level)",
            columns: [
                ("level", "η"), ("mean_auc", "AUC"), ("sd_auc", "sd"), ("mean_integrated_advantage", "∫Δ"),
                ("sd_integrated_advantage", "sd"), ("mean_integrated_calibration", "∫Δ_cal"),
                ("mean_integrated_tail_edge", "∫Δ_tail"), ("dominance_share", "dominates L"),
            ],
            rows: a.noise.levels.map { l in
                [
                    .number(l.level), .num(l.meanAUC.value), .num(l.sdAUC.value), .number(l.meanIntegratedAdvantage),
                    .number(l.sdIntegratedAdvantage), .number(l.meanIntegratedCalibration),
                    .number(l.meanIntegratedTailEdge), .num(l.dominanceShare.value),
                ]
            })
        let crit = a.noise.criticalAUC
        s.add("critical_auc_lo", "critical AUC above", crit.lo)
        s.add("critical_auc_hi", "critical AUC at most", crit.hi)
        s.add(
            "critical_auc_monotone", "bracket is ordered", crit.monotone.map { .bool($0) } ?? .null,
            reason: crit.monotone == nil ? (crit.lo.reason ?? crit.hi.reason) : nil)
        return s
    }

    static func curvePoint(_ c: CascadeCurve, _ j: Int) -> JSONValue {
        var o: [(String, JSONValue)] = []
        o += quantityPair("threshold", c.threshold(j).map { .defined($0) } ?? .undefined("escalate all"))
        o += [
            ("escalation", .number(c.escalation(j))), ("accuracy", .number(c.accuracy(j))),
            ("random_accuracy", .number(c.randomAccuracy(j))), ("advantage", .number(c.advantage(j))),
        ]
        o += quantityPair("cost", c.cost.map { .defined($0[j]) } ?? .undefined(CascadeCurve.noCosts))
        o += quantityPair("cost_per_correct", c.costPerCorrect(j))
        let t = c.tail(j)
        o += quantityPair("tail_error", t.error)
        o += quantityPair("tail_strong_accuracy", t.strongAccuracy)
        o += quantityPair("tail_edge", t.edge)
        return .object(o)
    }

    static func heldOutJSON(_ h: CascadeHeldOut) -> JSONValue {
        let folds: [JSONValue] = h.perFold.map { x in
            var o: [(String, JSONValue)] = [("n_test", .int(x.testQueries))]
            o += quantityPair("threshold", x.threshold.map { .defined($0) } ?? .undefined("escalate all"))
            if let r = x.floorReachedTrain {
                o.append(("floor_reached_train", .bool(r)))
            }
            o += [
                ("train_escalation", .number(x.trainEscalation)), ("train_advantage", .number(x.trainAdvantage)),
                ("test_escalation", .number(x.testEscalation)), ("test_accuracy", .number(x.testAccuracy)),
                ("test_random_accuracy", .number(x.testRandomAccuracy)), ("test_advantage", .number(x.testAdvantage)),
            ]
            o += quantityPair("test_auc", x.testAUC)
            o += quantityPair("test_cost", x.testCost)
            o += quantityPair("test_cost_per_correct", x.testCostPerCorrect)
            return .object(o)
        }
        var o: [(String, JSONValue)] = [
            ("folds", .int(h.folds)), ("seed", .string(String(h.seed))), ("objective", .string(h.objective.rawValue)),
            ("fold_assignment", .string("SplitMix64(FNV-1a-64(query id) XOR seed), sorted by (key, id), rank mod k")),
            ("folds_detail", .array(folds)), ("mean_test_advantage", .number(h.meanTestAdvantage)),
            ("sd_test_advantage", .number(h.sdTestAdvantage)),
        ]
        o += quantityPair("mean_test_auc", h.meanTestAUC)
        o += [
            ("test_auc_undefined_folds", .int(h.undefinedTestAUC)),
            ("pooled_test_escalation", .number(h.pooledEscalation)),
            ("pooled_test_accuracy", .number(h.pooledAccuracy)),
            ("pooled_test_random_accuracy", .number(h.pooledRandomAccuracy)),
            ("pooled_test_advantage", .number(h.pooledAdvantage)),
        ]
        return .object(o)
    }

    static func noiseJSON(_ n: CascadeNoise) -> JSONValue {
        let crit = n.criticalAUC
        var o: [(String, JSONValue)] = [
            ("levels", .array(n.levels.map { .number($0.level) })), ("seeds", .int(n.seeds)),
            ("transform", .string("(1 − η)·(midrank − ½)/n + η·u, u ~ uniform(0, 1) from Philox")),
            (
                "curve",
                .array(
                    n.levels.map { l in
                        var row: [(String, JSONValue)] = [("level", .number(l.level))]
                        row += quantityPair("mean_auc", l.meanAUC)
                        row += quantityPair("sd_auc", l.sdAUC)
                        row += [
                            ("mean_integrated_advantage", .number(l.meanIntegratedAdvantage)),
                            ("sd_integrated_advantage", .number(l.sdIntegratedAdvantage)),
                            ("mean_integrated_calibration", .number(l.meanIntegratedCalibration)),
                            ("mean_integrated_tail_edge", .number(l.meanIntegratedTailEdge)),
                            ("mean_max_advantage", .number(l.meanMaxAdvantage)),
                        ]
                        row += quantityPair("dominance_share", l.dominanceShare)
                        return .object(row)
                    })
            ),
        ]
        o += quantityPair("critical_auc_lo", crit.lo)
        o += quantityPair("critical_auc_hi", crit.hi)
        o.append(("critical_auc_monotone", crit.monotone.map { .bool($0) } ?? .null))
        return .object(o)
    }

    /// One row per (cheap, strong) pair (`cascade --all-pairs`).
    public static func cascadePairs(_ rows: [CascadeAnalysis], skipped: [CascadeInput.SkippedPair]) -> Report.Section {
        var s = Report.Section(key: "cascade_pairs", title: "Every cascade pair (cheap less accurate than strong)")
        s.add("n_pairs", "pairs", .int(rows.count))
        s.table(
            "skipped_pairs", "Pairs skipped (their data cannot be analysed)",
            columns: [("cheap_model", "cheap S"), ("strong_model", "strong L"), ("reason", "reason")],
            rows: skipped.map { [.string($0.cheap), .string($0.strong), .string($0.reason)] })
        s.table(
            "pairs", "Pairs",
            columns: [
                ("cheap_model", "cheap S"), ("strong_model", "strong L"), ("n_queries", "n"),
                ("cheap_accuracy", "a_S"), ("strong_accuracy", "a_L"), ("auc", "AUC"),
                ("integrated_advantage", "∫Δ"), ("escalation_ratio", "e_C/e_R"),
                ("dominates_strong_at_floor", "beats L"),
            ],
            rows: rows.map { a in
                [
                    .string(a.cheap), .string(a.strong), .int(a.curve.n), .number(a.curve.cheapAccuracy),
                    .number(a.curve.strongAccuracy), .num(a.curve.auc.value), .number(a.curve.integratedAdvantage),
                    .num(a.floor.escalationRatio.value), a.floor.dominatesStrong.map { .bool($0) } ?? .null,
                ]
            })
        return s
    }
}

extension CascadeAnalysis {
    /// Two panels: accuracy against escalation (cascade, random mixing, the floor) and the
    /// integrated advantage against the AUC over the noise levels (mean ± sd).
    public func plot() -> String {
        let c = curve
        var top = SVGChart(
            title: "Cascade \(cheap) → \(strong) against random mixing", xLabel: "escalation fraction e",
            yLabel: "accuracy", logY: false)
        top.series.append(
            .init(
                name: "cascade", points: (0..<c.pointCount).map { (c.escalation($0), c.accuracy($0)) }, color: "#c0392b"
            ))
        top.series.append(
            .init(
                name: "random mixing", points: [(0, c.cheapAccuracy), (1, c.strongAccuracy)], color: "#2471a3",
                dashed: true))
        top.references.append((floor.floor, "floor \(Report.fmt(floor.floor))"))
        var bottom = SVGChart(
            title: "Collapse: integrated advantage against verifier AUC (noise levels)", xLabel: "verifier AUC",
            yLabel: "integrated advantage", logY: false)
        let pts = noise.levels.compactMap { l -> (x: Double, lo: Double, hi: Double, y: Double)? in
            guard let auc = l.meanAUC.value else {
                return nil
            }
            let m = l.meanIntegratedAdvantage
            return (auc, m - l.sdIntegratedAdvantage, m + l.sdIntegratedAdvantage, m)
        }.sorted { $0.x < $1.x }
        bottom.bands.append(.init(name: "± 1 sd", points: pts.map { ($0.x, $0.lo, $0.hi) }, color: "#c0392b"))
        bottom.series.append(.init(name: "mean ∫Δ", points: pts.map { ($0.x, $0.y) }, color: "#c0392b"))
        let aS = c.cheapAccuracy
        bottom.series.append(
            .init(
                name: "calibration part", points: [(0.5, 0), (1, aS * (1 - aS) * 0.5)], color: "#7f8c8d",
                dashed: true))
        bottom.references.append((0, "random mixing"))
        return SVGChart.stacked([top, bottom])
    }
}
