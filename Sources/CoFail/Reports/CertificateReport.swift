import Foundation

extension Report.Section {
    /// What the loader and coverage filter kept and removed (METHODS §0).
    public static func data(_ raw: RawMatrix, _ x: OutcomeMatrix, _ c: CoverageReport) -> Report.Section {
        var s = Report.Section(key: "data", title: "Data")
        s.add("source", "source", .string(raw.source))
        s.add("input_format", "input format", .string(raw.format.rawValue))
        s.add("queries_in", "queries in input", .int(c.queriesIn))
        s.add("models_in", "models in input", .int(c.modelsIn))
        s.add("missing_cells", "missing cells", .int(c.missingCells))
        s.add("coverage_policy", "coverage policy", .string(c.policy.name))
        if case .minModelCoverage(let v) = c.policy { s.add("min_model_coverage", "min model coverage", .number(v)) }
        s.add(
            "dropped_models", "models dropped", .array(c.droppedModels.map { .string($0.name) }),
            display: c.droppedModels.isEmpty
                ? "(none)"
                : c.droppedModels.map { "\($0.name) (coverage \(String(format: "%.3f", $0.coverage)))" }.joined(
                    separator: ", "))
        s.add(
            "dropped_queries", "queries dropped (incomplete)", .array(c.droppedQueries.map { .string($0) }),
            display: c.droppedQueries.isEmpty
                ? "(none)"
                : "\(c.droppedQueries.count): " + c.droppedQueries.prefix(12).joined(separator: ", ")
                    + (c.droppedQueries.count > 12 ? ", … (all listed in JSON)" : ""))
        s.add("ignored_columns", "input columns ignored", .array(c.ignoredColumns.map { .string($0) }))
        if let r = raw.sampleReading {
            s.add("samples_read", "repeated samples read", .string(r.read), display: r.summary)
            s.add("max_samples", "most samples of one cell", .int(r.maxSamples))
            s.add("cells_with_several_samples", "cells with several samples", .int(r.cellsWithSeveral))
        }
        if !raw.skippedInputs.isEmpty {
            s.table(
                "skipped_inputs", "Log files or runs skipped as invalid",
                columns: [("path", "path"), ("reason", "reason")],
                rows: raw.skippedInputs.map { [.string($0.path), .string($0.reason)] })
        }
        if !c.registryUnused.isEmpty || !c.registryMissing.isEmpty || x.families.contains(where: { $0 != nil }) {
            s.add("registry_unused", "registry models not in matrix", .array(c.registryUnused.map { .string($0) }))
            s.add("registry_missing", "models without a family", .array(c.registryMissing.map { .string($0) }))
        }
        s.add("n_queries", "queries analysed (n)", .int(x.n))
        s.add("n_models", "models analysed (m)", .int(x.m))
        return s
    }

    /// The certificate (METHODS §1).
    public static func certificate(_ c: Certificate) -> Report.Section {
        let o = c.options
        var s = Report.Section(key: "certificate", title: "Co-failure ceiling and certificate")
        s.add("n_queries", "queries (n)", .int(c.n))
        s.add("n_models", "models (m)", c.m.map { .int($0) } ?? .null, reason: c.m == nil ? "counts-only mode" : nil)
        s.add("k_all_wrong", "all-wrong queries (k)", .int(c.k))
        s.add("beta", "all-wrong rate β", .number(c.beta))
        s.add("beta_ci_lo", "β \(pct(1 - o.alpha)) CP lower", .number(c.betaCILo))
        s.add("beta_ci_hi", "β \(pct(1 - o.alpha)) CP upper", .number(c.betaCIHi))
        s.add("beta_lower", "β_L(δ=\(Report.fmt(o.delta))) one-sided", .number(c.betaLower))
        s.add("certified_ceiling", "certified ceiling 1 − β_L(δ)", .number(c.certifiedCeiling))
        s.add("best_accuracy", "best single model A*", .number(c.bestAccuracy))
        s.add(
            "best_models", "best model(s)", .array(c.bestModels.map { .string($0) }),
            reason: c.bestModels.isEmpty ? "counts-only mode" : nil,
            display: c.bestModels.isEmpty ? "(counts only)" : nil)
        s.add("oracle_accuracy", "oracle accuracy 1 − β", .number(c.oracleAccuracy))
        s.add("oracle_gain", "oracle gain G = A_or − A*", .number(c.oracleGain))
        s.add("resolvable_mass", "resolvable mass (best wrong, some right)", .number(c.resolvableMass))
        s.add("gain_identity_holds", "gain identity G = resolvable mass", .bool(c.gainIdentityHolds))
        s.add("beta_lower_half", "β_L(δ/2)", .number(c.betaLowerHalf))
        s.add("best_accuracy_lower", "A*_L(δ/2)", .number(c.bestAccuracyLowerHalf))
        s.add("certified_headroom", "certified headroom H", .number(c.certifiedHeadroom))
        if let ov = o.overhead {
            s.add("overhead", "orchestration overhead o", .number(ov))
            s.add("no_policy_pays", "no selection policy can pay for itself (H < o)", .bool(c.noPolicyPays ?? false))
        }
        s.add("materiality", "materiality μ", .number(o.materiality))
        s.add(
            "regime", "regime", .string(c.regime.rawValue),
            display: c.regime.rawValue
                + (c.regime == .ceilingBound
                    ? " (β_L(δ) > μ: a material co-failure tail is certified)"
                    : " (β_L(δ) ≤ μ: the gain is resolvable disagreement; only routing can collect it)"))
        if !c.models.isEmpty {
            let fams = c.models.contains { $0.family != nil }
            var cols: [(String, String)] = [("model", "model"), ("correct", "correct"), ("accuracy", "accuracy")]
            if fams { cols.append(("family", "family")) }
            s.table(
                "models", "Per-model accuracy", columns: cols,
                rows: c.models.map { mm in
                    var row: [JSONValue] = [.string(mm.name), .int(mm.correct), .number(mm.accuracy)]
                    if fams { row.append(mm.family.map { .string($0) } ?? .null) }
                    return row
                })
        }
        return s
    }

    static func pct(_ level: Double) -> String { String(format: "%g%%", level * 100) }
}
