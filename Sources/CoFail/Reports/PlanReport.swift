import Foundation

extension Report.Section {
    /// The sequential certificate's plan (METHODS §15.4).
    public static func plan(_ p: SequentialPlan) -> Report.Section {
        var s = Report.Section(key: "plan", title: "Queries to grade before the certificate decides")
        s.add("gain", "per-model headroom rate g", .number(p.gain))
        s.add("overhead", "overhead o", .number(p.overhead))
        s.add("models", "models m (union bound δ/m)", .int(p.models))
        s.add("delta", "risk δ", .number(p.delta))
        s.add("prior_a", "mixture prior a", .number(p.prior.a))
        s.add("prior_b", "mixture prior b", .number(p.prior.b))
        s.add("decision", "decision reached", .string(p.decision))
        let beyond = "not decided within \(SequentialPlan.maxQueries) queries"
        s.add(
            "queries_sequential", "queries, confidence sequence (stop any time)",
            p.sequentialQueries.map { .int($0) } ?? .null, reason: p.sequentialQueries == nil ? beyond : nil)
        s.add(
            "queries_fixed_n", "queries, fixed-n Clopper–Pearson (one look)",
            p.fixedNQueries.map { .int($0) } ?? .null, reason: p.fixedNQueries == nil ? beyond : nil)
        if let a = p.sequentialQueries, let b = p.fixedNQueries {
            s.add("anytime_cost_ratio", "sequential / fixed-n", .number(Double(a) / Double(b)))
        } else {
            s.add("anytime_cost_ratio", "sequential / fixed-n", .null, reason: beyond)
        }
        return s
    }
}
