import Foundation

extension Report.Section {
    /// The sequential certificate (METHODS §15.5).
    public static func sequential(_ c: SequentialCertificate) -> Report.Section {
        let o = c.options
        var s = Report.Section(key: "sequential", title: "Sequential certificate: grade until the ceiling decides")
        s.add("n", "queries available", .int(c.n))
        s.add("models", "models m (union bound δ/m)", .int(c.models))
        s.add("order", "graded order", .string(c.order))
        s.add(
            "seed", "shuffle seed", o.shuffleSeed.map { .string(String($0)) } ?? .null,
            reason: o.shuffleSeed == nil ? "input order" : nil)
        s.add("prior", "mixture prior a,b", .string("\(Report.fmt(o.prior.a)),\(Report.fmt(o.prior.b))"))
        s.add("delta", "risk δ", .number(o.delta))
        s.add("overhead", "overhead o", .number(o.overhead))
        s.add("decision", "decision", .string(c.decision.rawValue), display: c.headline)
        s.add(
            "decided_at", "decided after (queries)", c.decidedAt.map { .int($0) } ?? .null,
            reason: c.decidedAt == nil ? "not decided within the \(c.n) graded queries" : nil)
        s.add("bounds_at", "bounds below hold after (queries)", .int(c.boundsAt))
        s.add("all_wrong_at_bounds", "all-wrong queries k_t then", .int(c.allWrongAtBounds))
        s.add("beta_cs_lo", "β confidence sequence, lower", .number(c.betaLo))
        s.add("beta_cs_hi", "β confidence sequence, upper", .number(c.betaHi))
        s.add("gain_cs_lo", "headroom G, lower (min_i L_i)", .number(c.gainLo))
        s.add("gain_cs_hi", "headroom G, upper (min_i U_i)", .number(c.gainHi))
        s.add("binding_model", "model attaining G_U", .string(c.bindingModel))
        s.add(
            "emptied_rate", "rate whose sequence emptied", c.emptiedRate.map { .string($0) } ?? .null,
            reason: c.emptiedRate == nil ? "the order check did not fire" : nil)
        s.add("gain_estimate", "Ĝ = min_i S_i / n on all queries", .number(c.gainEstimate))
        s.add("fixed_n_headroom", "fixed-n certified headroom H (§1, all n)", .number(c.fixedNHeadroom))
        s.add("fixed_n_verdict", "fixed-n verdict", .string(c.fixedNVerdict))
        let never = "peeking Clopper–Pearson bounds never decide within the \(c.n) queries"
        s.add(
            "naive_cp_decided_at", "peeking Clopper–Pearson would decide at",
            c.naiveCPDecidedAt.map { .int($0) } ?? .null,
            reason: c.naiveCPDecidedAt == nil ? never : nil)
        s.add(
            "naive_cp_decision", "peeking Clopper–Pearson decision",
            c.naiveCPDecision.map { .string($0.rawValue) } ?? .null,
            reason: c.naiveCPDecision == nil ? never : nil)
        s.add(
            "queries_to_decide_estimate", "queries to decide at Ĝ (plan)",
            c.queriesToDecideEstimate.map { .int($0) } ?? .null, reason: c.queriesToDecideReason)
        return s
    }
}

extension SequentialCertificate {
    /// The decision in words, with what to do.
    public var headline: String {
        let o = Report.fmt(options.overhead)
        switch decision {
        case .noPolicyCanPay:
            return "no_policy_can_pay: no selection policy can gain \(o) over the best model — stop grading"
        case .headroomCertified:
            return "headroom_certified: at least \(o) of headroom exists — stop grading"
        case .orderNotRandom:
            return "order_not_random: the graded order contradicts random sampling (\(emptiedRate ?? "a rate")'s "
                + "sequence emptied) — grade in random order or use --shuffle"
        case .undecided:
            return "undecided after \(n) queries — grade more"
        }
    }

    /// The trace: one row per stop, t with k_t, the β and G bounds and the decision so far.
    public func traceCSV() -> String {
        var out = "t,all_wrong,beta_cs_lo,beta_cs_hi,gain_cs_lo,gain_cs_hi,decision\n"
        for r in trace {
            let cells = [
                String(r.t), String(r.allWrong), "\(r.betaLo)", "\(r.betaHi)",
                "\(r.gainLo)", "\(r.gainHi)", r.decision,
            ]
            out += cells.joined(separator: ",") + "\n"
        }
        return out
    }

    /// The headroom's bounds against the graded queries, with the overhead and the decision.
    public func plot() -> String {
        var chart = SVGChart(
            title: "Headroom G: confidence sequence by queries graded (\(order) order)",
            xLabel: "queries graded t", yLabel: "headroom G = A_or − A* (drawn up to the top)", logY: false)
        // the early bounds start at 1: the axis shows the region around o and the final bounds
        chart.yMax = min(1, max(4 * options.overhead, 2 * (trace.last?.gainHi ?? 1)))
        chart.bands.append(
            .init(
                name: "G bounds (level \(Report.fmt(options.delta)))",
                points: trace.map { (Double($0.t), $0.gainLo, $0.gainHi) }, color: "#2471a3"))
        chart.series.append(.init(name: "upper G_U", points: trace.map { (Double($0.t), $0.gainHi) }, color: "#2471a3"))
        chart.series.append(.init(name: "lower G_L", points: trace.map { (Double($0.t), $0.gainLo) }, color: "#7f8c8d"))
        chart.references.append((options.overhead, "overhead o = \(Report.fmt(options.overhead))"))
        if let t = decidedAt {
            chart.verticals.append((Double(t), "\(decision.rawValue) at t = \(t)"))
        }
        if let t = naiveCPDecidedAt {
            chart.verticals.append((Double(t), "peeking CP at t = \(t)"))
        }
        return chart.render()
    }
}
