import Foundation

extension Report.Section {
    /// Self-MoA against heterogeneous fusion at matched quality (METHODS §18.2).
    public static func fuse(_ f: Fusion) -> Report.Section {
        let o = f.options
        var s = Report.Section(
            key: "fuse", title: "Self-MoA against heterogeneous fusion (k = \(o.draws) draws a side)")
        s.add("band_lo", "accuracy band, lower", .number(o.band.lowerBound))
        s.add("band_hi", "accuracy band, upper", .number(o.band.upperBound))
        s.add("draws", "draws k", .int(o.draws))
        s.add("seed", "split seed", .string(String(o.seed)))
        s.add("n_queries", "queries", .int(f.n))
        s.add("best_model", "band's best model i* (sample 0)", .string(f.bestModel))
        s.add("n_kept_models", "kept models", .int(f.keptModels.count))
        s.add(
            "kept_models", "kept models (in the band, ≥ 2k samples everywhere)",
            .array(f.keptModels.map { .string($0) }))
        s.add(
            "dropped_few_samples", "band models with < 2k samples somewhere",
            .array(f.droppedFewSamples.map { .string($0) }))
        s.add("outside_band", "models outside the band", .array(f.outsideBand.map { .string($0) }))
        s.add("n_subsets", "k-subsets averaged", .int(f.subsetCount))
        s.add("subsets_total", "k-subsets of the kept models", .number(f.subsetsTotal))
        s.add("enumeration", "subsets", .string(f.enumeration))
        s.add("mean_gain", "mean gain (hetero − Self-MoA)", .number(f.meanGain))
        s.add("min_gain", "least gain over splits", .number(f.minGain))
        s.add("max_gain", "largest gain over splits", .number(f.maxGain))
        s.add("share_positive", "share of splits with a positive gain", .number(f.sharePositive))
        s.add("mean_self_moa", "mean Self-MoA accuracy", .number(f.meanSelfMoA))
        s.add("mean_hetero", "mean heterogeneous accuracy", .number(f.meanHetero))
        s.add("mean_rho_intra", "mean ρ_intra of i*", f.meanRhoIntra)
        s.add("mean_rho_inter", "mean ρ_inter", f.meanRhoInter)
        let none = "no bootstrap replicates (--replicates 0)"
        s.add("replicates", "bootstrap replicates (first split)", .int(o.replicates))
        s.add(
            "gain_ci_lo", "first split's gain, bootstrap lower",
            f.gainCILo.isNaN ? .undefined(none) : .defined(f.gainCILo))
        s.add(
            "gain_ci_hi", "first split's gain, bootstrap upper",
            f.gainCIHi.isNaN ? .undefined(none) : .defined(f.gainCIHi))
        let rows: [JSONValue] = f.splits.map { x in
            var obj: [(String, JSONValue)] = [
                ("split", .int(x.split)), ("self_moa", .number(x.selfMoA)), ("hetero", .number(x.hetero)),
                ("gain", .number(x.gain)),
            ]
            obj += quantityPair("rho_intra", x.rhoIntra)
            obj += quantityPair("rho_inter", x.rhoInter)
            return .object(obj)
        }
        s.items.append(.json(key: "splits", value: .array(rows)))
        s.display(
            "Per split of the samples (estimation half: correlations; evaluation half: accuracies)",
            columns: [
                ("split", "split"), ("self", "Self-MoA"), ("hetero", "hetero"), ("gain", "gain"),
                ("intra", "ρ_intra"), ("inter", "ρ_inter"),
            ],
            rows: f.splits.prefix(20).map { x in
                [
                    .int(x.split), .number(x.selfMoA), .number(x.hetero), .number(x.gain), .num(x.rhoIntra.value),
                    .num(x.rhoInter.value),
                ]
            })
        return s
    }
}

extension Fusion {
    /// The gain of every split against ρ_intra − ρ_inter (what the comparison turns on).
    public func plot() -> String {
        var c = SVGChart(
            title: "Heterogeneous fusion − Self-MoA per split", xLabel: "split", yLabel: "accuracy gain", logY: false)
        c.series.append(.init(name: "gain", points: splits.map { (Double($0.split), $0.gain) }, color: "#2471a3"))
        c.references.append((0, "no gain"))
        return c.render()
    }
}
