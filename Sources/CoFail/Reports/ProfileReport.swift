import Foundation

extension ThroughputProfile {
    /// Throughput rows at 1 and T threads.
    public func section() -> Report.Section {
        var s = Report.Section(
            key: "profile", title: "Throughput on a generated \(queries) x \(models) matrix (1 vs \(threads) threads)")
        s.add("n_queries", "queries", .int(queries))
        s.add("n_models", "models", .int(models))
        s.add("threads", "threads", .int(threads))
        for r in rows {
            s.add(
                r.key, r.label, .number(r.multi),
                display: String(
                    format: "%@ %@ at %d threads (%@ at 1; speed-up %.2fx)",
                    Report.fmt(r.multi), r.unit, threads, Report.fmt(r.single), r.speedup))
            s.add(r.key + "_1_thread", "  at 1 thread", .number(r.single))
        }
        return s
    }
}
