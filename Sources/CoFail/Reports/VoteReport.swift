import Foundation

extension Report.Section {
    /// Majority voting over model subsets (METHODS §11.8).
    public static func vote(_ v: VoteSummary, names: [String]) -> Report.Section {
        var s = Report.Section(key: "vote", title: "Majority vote over \(v.subsets) subsets of \(v.subsetSize) models")
        s.add("n_queries", "queries (n)", .int(v.nQueries))
        s.add("n_models", "models in the pool (m)", .int(v.nModels))
        s.add("subset_size", "subset size (k)", .int(v.subsetSize))
        s.add(
            "subsets_total", "subsets of that size, C(m, k)",
            v.subsetsTotal <= 0x1p53 ? .int(Int(v.subsetsTotal)) : .number(v.subsetsTotal))
        s.add("subsets", "subsets evaluated", .int(v.subsets))
        s.add("enumeration", "enumeration", .string(v.enumeration))
        s.add("degenerate_models", "models never or always wrong", .array(v.degenerateModels.map { .string($0) }))
        s.add("zero_cell_pairs", "zero-cell-corrected pairs", .int(v.zeroCellPairs))
        s.add(
            "mean_vote_accuracy", "mean vote accuracy (strict majority; exact, a plurality lower bound)",
            .number(v.meanVoteAccuracy))
        s.add(
            "mean_vote_accuracy_upper", "mean plurality upper bound (random tie-break)",
            .number(v.meanVoteAccuracyUpper))
        s.add("mean_best_member_accuracy", "mean best-member accuracy", .number(v.meanBestMemberAccuracy))
        s.add("mean_vote_gain", "mean vote gain over the best member", .number(v.meanVoteGain))
        s.add("mean_vote_gain_upper", "mean upper gain", .number(v.meanVoteGainUpper))
        s.add(
            "share_positive_gain", "share of subsets where the vote beats its best member",
            .number(v.sharePositiveGain))
        s.add("share_negative_gain", "share where it loses", .number(v.shareNegativeGain))
        s.add("mean_headroom", "mean accuracy headroom h", .number(v.meanHeadroom))
        s.add("mean_subset_phi", "mean subset φ", v.meanSubsetPhi)
        s.add("mean_subset_tetrachoric", "mean subset tetrachoric r", v.meanSubsetTetrachoric)
        s.add("mean_subset_oracle_accuracy", "mean subset oracle 1 − β_S", .number(v.meanSubsetOracleAccuracy))
        s.add("pool_best_accuracy", "pool best-model accuracy", .number(v.poolBestAccuracy))
        s.add("pool_vote_accuracy", "pool majority-vote accuracy", .number(v.poolVoteAccuracy))
        s.add("jackknife_clusters", "jackknife clusters (models)", .int(v.jackknifeClusters))
        s.add("jackknife_t_quantile", "t quantile (G − 1 df)", v.tQuantile)
        s.add("mean_vote_gain_jackknife_se", "mean gain: jackknife SE (model-clustered)", v.gainJackknifeSE)
        s.add("mean_vote_gain_jackknife_lo", "  jackknife interval lower", v.gainJackknifeLo)
        s.add("mean_vote_gain_jackknife_hi", "  jackknife interval upper", v.gainJackknifeHi)
        s.add("replicates", "naive query-bootstrap replicates", .int(v.replicates))
        s.add("quantile_convention", "quantiles", .string("linear interpolation of order statistics (R type 7)"))
        s.add("mean_vote_gain_bootstrap_se", "mean gain: bootstrap SE (queries only)", v.gainBootstrapSE)
        s.add("mean_vote_gain_ci_lo", "  bootstrap percentile lower", v.gainCILo)
        s.add("mean_vote_gain_ci_hi", "  bootstrap percentile upper", v.gainCIHi)
        for r in v.regressions {
            s.display(
                "Regression g = b0 + b1·ρ̄_\(r.correlation.rawValue)"
                    + (r.control == .headroom ? " + b2·h" : "")
                    + " (\(r.used) subsets, R² \(r.rSquared.map(Report.fmt) ?? "—"))",
                columns: [
                    ("term", "term"), ("estimate", "estimate"), ("ols_se", "OLS SE"), ("jackknife_se", "jackknife SE"),
                    ("jackknife_lo", "jk lo"), ("jackknife_hi", "jk hi"), ("bootstrap_se", "bootstrap SE"),
                    ("ci_lo", "boot lo"), ("ci_hi", "boot hi"),
                ],
                rows: r.coefficients.map { c in
                    [
                        .string(c.term), .num(c.estimate), .num(c.olsSE), .num(c.jackknifeSE), .num(c.jackknifeLo),
                        .num(c.jackknifeHi), .num(c.bootstrapSE), .num(c.ciLo), .num(c.ciHi),
                    ]
                })
        }
        s.items.append(.json(key: "regressions", value: .array(v.regressions.map(regressionJSON))))
        return s
    }

    static func regressionJSON(_ r: VoteSummary.Regression) -> JSONValue {
        var obj: [(String, JSONValue)] = [
            ("correlation", .string(r.correlation.rawValue)), ("control", .string(r.control.rawValue)),
            ("subsets_used", .int(r.used)), ("subsets_excluded", .int(r.excluded)), ("r_squared", .num(r.rSquared)),
            ("jackknife_clusters", .int(r.clusters)), ("bootstrap_undefined", .int(r.bootstrapUndefined)),
            ("slope_jackknife_excludes_zero", r.slopeJackknifeExcludesZero.map { .bool($0) } ?? .null),
            ("slope_bootstrap_excludes_zero", r.slopeBootstrapExcludesZero.map { .bool($0) } ?? .null),
        ]
        if r.rSquared == nil {
            obj.append(("r_squared_reason", .string("undefined fit, or no variation in the vote gain")))
        }
        if let why = r.jackknifeReason {
            obj.append(("jackknife_reason", .string(why)))
        }
        if r.slopeBootstrapExcludesZero == nil {
            obj.append(("slope_bootstrap_excludes_zero_reason", .string("fewer than two defined bootstrap fits")))
        }
        obj.append(
            (
                "coefficients",
                .array(
                    r.coefficients.map { c in
                        .object([
                            ("term", .string(c.term)), ("estimate", .num(c.estimate)), ("ols_se", .num(c.olsSE)),
                            ("jackknife_se", .num(c.jackknifeSE)), ("jackknife_lo", .num(c.jackknifeLo)),
                            ("jackknife_hi", .num(c.jackknifeHi)), ("jackknife_mean", .num(c.jackknifeMean)),
                            ("bootstrap_se", .num(c.bootstrapSE)), ("ci_lo", .num(c.ciLo)), ("ci_hi", .num(c.ciHi)),
                        ])
                    })
            ))
        return .object(obj)
    }

    /// The majority floor and the E_m curve (METHODS §11.7). `pool` adds the observed pool's
    /// majority error and its single-factor predictions (matrix mode).
    public static func majorityFloor(
        _ f: MajorityFloor?, reason: String?, calibration: String,
        pool: (observed: Double, heterogeneous: Double?, symmetric: Double?)?
    ) -> Report.Section {
        var s = Report.Section(key: "majority_floor", title: "Majority floor of a single-factor ensemble (Prop. 5)")
        s.add("calibration", "calibration", .string(calibration))
        guard let f else {
            let why = reason ?? "undefined"
            s.add("error", "error p", .null, reason: why)
            s.add("rho", "ρ", .null, reason: why)
            s.add("majority_error_floor", "floor E_∞ = Φ(Φ⁻¹(p)/√ρ)", .null, reason: why)
            if let pool {
                s.add("vote_error_pool", "observed majority error of the pool", .number(pool.observed))
            }
            return s
        }
        s.add("error", "error p", .number(f.error))
        s.add("rho", "ρ", .number(f.rho))
        s.add("majority_error_floor", "floor E_∞ = Φ(Φ⁻¹(p)/√ρ)", .number(f.floor))
        s.table(
            "curve", "E_m (binary majority) and mean-vote error by pool size",
            columns: [("m", "m"), ("majority_error", "E_m"), ("mean_vote_error", "mean-vote error")],
            rows: f.curve.map { [.int($0.m), .number($0.majorityError), .number($0.meanVoteError)] })
        if let pool {
            s.add("vote_error_pool", "observed majority error of the pool", .number(pool.observed))
            s.add("vote_error_pool_sf", "single-factor prediction (heterogeneous p_i)", .num(pool.heterogeneous))
            s.add("vote_error_pool_sf_symmetric", "single-factor prediction (common p̄)", .num(pool.symmetric))
        }
        return s
    }

    /// The break-even ensemble size (METHODS §14.1).
    public static func breakEven(_ b: BreakEven) -> Report.Section {
        var s = Report.Section(key: "break_even", title: "Break-even ensemble size (Props. 6–7)")
        s.add("error", "error p", .number(b.error))
        s.add("rho", "ρ", .number(b.rho))
        s.add("cost_ratio", "cost per member / value of a correct answer", .number(b.costRatio))
        s.add("mu", "μ = −Φ⁻¹(p)", .number(b.mu))
        s.add("kappa_1", "κ(1)", .number(b.kappa1))
        s.add("kappa_at_break_even", "κ at the break-even size", b.kappaAtBreakEven)
        s.add("break_even_members", "break-even members (exact, mean vote)", b.members)
        s.add("break_even_members_linear", "break-even members (Prop. 6 linearisation)", b.membersLinear)
        s.add("break_even_members_majority", "break-even members (binary majority, odd sizes)", b.membersMajority)
        s.table(
            "curve", "mean-vote accuracy P_m",
            columns: [("m", "m"), ("mean_vote_accuracy", "P_m"), ("kappa", "κ"), ("increment", "P_m − P_{m−1}")],
            rows: b.curve.map { [.int($0.m), .number($0.meanVoteAccuracy), .number($0.kappa), .num($0.increment)] })
        return s
    }
}

extension VoteSummary {
    /// One row per subset (`--subsets-out`, METHODS §11.8).
    public func subsetsCSV(names: [String]) -> String {
        var out =
            "members,vote_accuracy,vote_accuracy_upper,oracle_accuracy,best_member,best_member_accuracy,"
            + "mean_member_accuracy,vote_gain,vote_gain_upper,headroom,mean_phi,mean_tetrachoric\n"
        for r in rows {
            let cells: [String] = [
                r.members.map { names[$0] }.joined(separator: "|"), "\(r.vote)", "\(r.upper)", "\(r.oracle)",
                names[r.best], "\(r.bestAccuracy)", "\(r.meanAccuracy)", "\(r.gain)", "\(r.gainUpper)",
                "\(r.headroom)", r.phi.map { "\($0)" } ?? "", r.tetrachoric.map { "\($0)" } ?? "",
            ]
            out += cells.map(CSVText.quote).joined(separator: ",") + "\n"
        }
        return out
    }

    /// Vote gain against mean subset correlation: one point per subset (a binned density beyond
    /// 5,000 subsets), with each regression's fitted line at the mean headroom.
    public func plot() -> String {
        let correlation = regressions.first?.correlation ?? .tetrachoric
        let pts = rows.compactMap { r -> (x: Double, y: Double)? in
            guard let x = correlation == .phi ? r.phi : r.tetrachoric else {
                return nil
            }
            return (x, r.gain)
        }
        var chart = SVGChart(
            title: "Vote gain over the best member against mean subset correlation",
            xLabel: "mean subset \(correlation == .phi ? "φ" : "tetrachoric r")",
            yLabel: "vote gain g(S)", logY: false)
        chart.scatter = pts.count > 5000 ? SVGChart.binned(pts, bins: 60) : pts.map { ($0.x, $0.y, 0.5) }
        let xs = pts.map(\.x)
        if let lo = xs.min(), let hi = xs.max(), let reg = regressions.first(where: { $0.correlation == correlation }),
            let b0 = reg.coefficients[0].estimate, let b1 = reg.coefficients[1].estimate
        {
            let b2 = reg.coefficients.count > 2 ? (reg.coefficients[2].estimate ?? 0) : 0
            let line = [lo, hi].map { (x: $0, y: b0 + b1 * $0 + b2 * meanHeadroom) }
            chart.series = [SVGChart.Series(name: "OLS at mean h", points: line, color: "#c0392b")]
            if let se = reg.coefficients[1].jackknifeSE, let t = tQuantile.value {
                let mid = (lo + hi) / 2
                let band = [lo, mid, hi].map { x -> (x: Double, lo: Double, hi: Double) in
                    let y = b0 + b1 * x + b2 * meanHeadroom
                    let half = t * se * abs(x - mid)
                    return (x, y - half, y + half)
                }
                chart.bands = [SVGChart.Band(name: "± t·jackknife SE", points: band, color: "#c0392b")]
            }
        }
        chart.references = [(0, "g = 0")]
        return chart.render()
    }
}
