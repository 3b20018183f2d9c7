import Foundation

extension Report.Section {
    /// Pairwise statistics (METHODS §2).
    public static func pairwise(_ p: PairwiseStatistics, names: [String]) -> Report.Section {
        var s = Report.Section(key: "pairwise", title: "Pairwise error statistics")
        func mean(_ key: String, _ label: String, _ m: PairwiseStatistics.Mean?) {
            guard let m else { return }
            s.add(
                key, label, Quantity(value: m.value, reason: m.reason),
                display: m.value.map { "\(Report.fmt($0))  (\(m.pairs) pairs)" })
        }
        mean("mean_phi", "mean φ (Pearson of errors)", p.meanPhi)
        mean("mean_tetrachoric", "mean tetrachoric r", p.meanTetrachoric)
        mean("mean_phi_within_family", "mean φ within family", p.withinFamilyPhi)
        mean("mean_phi_cross_family", "mean φ across families", p.crossFamilyPhi)
        mean("mean_tetrachoric_within_family", "mean tetrachoric within family", p.withinFamilyTetrachoric)
        mean("mean_tetrachoric_cross_family", "mean tetrachoric across families", p.crossFamilyTetrachoric)
        mean("mean_co_error", "mean pairwise co-error n11/n", p.meanCoError)
        s.add("defined_pairs", "pairs with defined correlations", .int(p.meanTetrachoric.pairs))
        s.add("zero_cell_correction", "zero-cell correction (0.5)", .bool(p.correction))
        s.add("zero_cell_pairs", "zero-cell-corrected pairs", .int(p.correctedPairs))
        s.add("boundary_pairs", "pairs at |r| = 1 (target on the attainable boundary)", .int(p.boundaryPairs))
        s.add("unconverged_pairs", "pairs whose Φ₂⁻¹ solve did not converge (excluded)", .int(p.unconvergedPairs))
        s.add("undefined_pairs", "pairs excluded (degenerate model)", .int(p.undefinedPairs))
        s.add(
            "excluded_models", "models excluded from means",
            .array(p.degenerateModels.map { .string(names[$0.index]) }),
            display: p.degenerateModels.isEmpty
                ? "(none)" : p.degenerateModels.map { "\(names[$0.index]) — \($0.reason)" }.joined(separator: "; "))
        return s
    }

    /// Single-factor copula and Clayton control (METHODS §3, §5).
    public static func models(_ c: UnitStatistics, beta: Double) -> Report.Section {
        var s = Report.Section(key: "single_factor", title: "Pairwise models priced against β = \(Report.fmt(beta))")
        s.add("beta_sf_tetrachoric", "β_SF(mean tetrachoric)", c.betaSFTetrachoric)
        s.add("log_beta_sf_tetrachoric", "log β_SF(mean tetrachoric)", c.logBetaSFTetrachoric)
        s.add("underpricing_tetrachoric", "U_tet = β / β_SF(tet)", c.underpricingTetrachoric)
        s.add("beta_sf_pearson", "β_SF(mean φ) — the naive calibration", c.betaSFPearson)
        s.add("log_beta_sf_pearson", "log β_SF(mean φ)", c.logBetaSFPearson)
        s.add("underpricing_pearson", "U_pearson = β / β_SF(φ)", c.underpricingPearson)
        s.add("implied_rho", "implied tail correlation ρ*", c.impliedRho)
        s.add("clayton_theta", "Clayton θ", c.claytonTheta)
        s.add("beta_clayton", "β_Clayton", c.betaClayton)
        s.add("underpricing_clayton", "U_Clayton = β / β_Clayton", c.underpricingClayton)
        return s
    }
}

extension Analysis {
    /// Stage wall times (`--timings`).
    public func timingSection() -> Report.Section {
        var s = Report.Section(key: "timings", title: "Stage wall times (seconds)")
        for t in timings { s.add(t.stage, t.stage, .number(t.seconds), display: String(format: "%.4f s", t.seconds)) }
        return s
    }

    /// The full `analyze` report.
    public func report(
        raw: RawMatrix, matrix x: OutcomeMatrix, coverage: CoverageReport, inputs: [(String, JSONValue)]
    ) -> Report {
        var r = Report(command: "analyze", inputs: inputs)
        r.sections = [
            .data(raw, x, coverage), .certificate(certificate), .pairwise(pairwise, names: x.modelNames),
            .models(statistics, beta: certificate.beta),
        ]
        if let residual {
            r.sections.append(.fullCopula(residual))
        }
        return r
    }

    /// Per-pair table (counts, φ, r, corrected flag) as CSV, for `--pairs`.
    public func pairsCSV(names: [String]) -> String {
        var out = "model_i,model_j,n11,n10,n01,n00,phi,tetrachoric,corrected,status\n"
        let m = names.count
        for i in 0..<m {
            for j in (i + 1)..<m where j < m {
                let p = pairwise.pair(i, j)
                let status: String
                switch p.status {
                case .ok: status = "ok"
                case .corrected: status = "zero-cell-corrected"
                case .neverWrong: status = "undefined: a model is never wrong"
                case .alwaysWrong: status = "undefined: a model is always wrong"
                case .empty: status = "undefined: no queries"
                case .boundary: status = "boundary: r = ±1 (target on the attainable boundary)"
                case .unconverged: status = "undefined: the Φ₂⁻¹ solve did not converge"
                }
                let cells: [String] = [
                    names[i], names[j], String(p.n11), String(p.n10), String(p.n01), String(p.n00),
                    p.phi.map { "\($0)" } ?? "", p.tetrachoric.map { "\($0)" } ?? "",
                    p.status == .corrected ? "true" : "false", status,
                ]
                out += cells.map(CSVText.quote).joined(separator: ",") + "\n"
            }
        }
        return out
    }
}

extension Report.Section {
    /// The full pairwise Gaussian copula (METHODS §4).
    public static func fullCopula(_ f: FullCopula) -> Report.Section {
        var s = Report.Section(key: "full_copula", title: "Full pairwise Gaussian copula (residual decomposition)")
        s.add("models_used", "models (0 < p < 1)", .int(f.modelsUsed))
        s.add("min_eigenvalue", "min eigenvalue of R_tet", f.minEigenvalue)
        s.add("negative_eigenvalues", "eigenvalues below −1e-10", .int(f.negativeEigenvalues))
        s.add("ncm_iterations", "NCM iterations (eigendecompositions)", .int(f.ncmIterations))
        s.add("ncm_converged", "NCM converged", .bool(f.ncmConverged))
        s.add("ncm_frobenius_distance", "‖R_tet − R_psd‖_F", f.ncmFrobenius)
        s.add("ncm_mean_offdiagonal_before", "mean off-diagonal before", f.meanOffDiagonalBefore)
        s.add("ncm_mean_offdiagonal", "mean off-diagonal after (R_psd)", f.meanOffDiagonalAfter)
        s.add(
            "sampling_matrix", "sampling matrix",
            .string("R_psd eigenvalues floored at \(FullCopula.eigenFloor), rescaled to unit diagonal"))
        let mcText = f.betaFullMC.value.map {
            "\(Report.fmt($0)) ± \(Report.fmt(f.betaFullMCSE.value ?? 0)) (\(f.mcHits) hits)"
        }
        s.add("beta_full_mc", "β_full crude MC (\(f.draws) draws)", f.betaFullMC, display: mcText)
        s.add("beta_full_mc_se", "β_full crude MC standard error", f.betaFullMCSE)
        let vrText = f.betaFull.value.map { "\(Report.fmt($0)) ± \(Report.fmt(f.betaFullSE.value ?? 0))" }
        s.add("beta_full", "β_full tilted SOV-QMC (\(f.qmcPoints) points)", f.betaFull, display: vrText)
        s.add("beta_full_se", "β_full tilted standard error", f.betaFullSE)
        s.add("beta_full_points", "tilted points used", .int(f.qmcPoints))
        s.add("beta_full_rel_error_target", "standard error asked for (fraction of β_full)", .number(f.relErrorTarget))
        s.add(
            "beta_full_target_reached", "precision target met", f.targetReached.value.map { _ in .bool(true) } ?? .null,
            reason: f.targetReached.reason)
        s.add("log_beta_full", "log β_full", f.logBetaFull)
        s.add("beta_full_agreement_z", "agreement z (MC − tilted)", f.agreementZ)
        s.add("underpricing_full", "U_full = β / β_full", f.underpricingFull)
        return s
    }
}
