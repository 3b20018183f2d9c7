import CKernels
import Foundation

/// Throughput of cofail's main kernels on a generated matrix of a given size, at 1 thread and
/// at `threads` threads: what a user needs to size a study before running it.
public struct ThroughputProfile: Sendable {
    public struct Row: Sendable {
        public var key: String
        public var label: String
        public var unit: String
        public var single: Double
        public var multi: Double
        public var speedup: Double { multi / single }
    }
    public var models: Int
    public var queries: Int
    public var threads: Int
    public var rows: [Row] = []

    public init(models: Int, queries: Int, threads: Int, seed: UInt64 = 1) throws {
        guard models >= 2, queries >= 10 else { throw CoFailError.usage("profile needs --models >= 2 and --queries >= 10") }
        self.models = models; self.queries = queries; self.threads = max(1, threads)
        cf_init(); cf_blas_set_threads(1)
        var spec = SyntheticMatrix.Spec(law: .gaussian, queries: queries, models: models)
        spec.rho = 0.36; spec.error = 0.25; spec.spread = 0.15; spec.seed = seed; spec.threads = self.threads
        let sim = try SyntheticMatrix(spec)
        let x = try sim.raw.applyCoverage(.complete).0
        let pairs = Double(models * (models - 1) / 2)

        // Repeats the work for at least 0.3 s: shorter bursts understate thread scaling on VMs
        // whose second core takes tens of milliseconds to come in.
        func rate(_ work: Double, _ body: () throws -> Void) rethrows -> Double {
            let t0 = DispatchTime.now().uptimeNanoseconds
            var rounds = 0.0, elapsed = 0.0
            repeat {
                try body()
                rounds += 1
                elapsed = Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
            } while elapsed < 0.3
            return rounds * work / elapsed
        }
        func both(_ key: String, _ label: String, _ unit: String, _ f: (Int) throws -> Double) rethrows {
            rows.append(Row(key: key, label: label, unit: unit, single: try f(1), multi: try f(self.threads)))
        }
        try both("pairs_per_second", "tetrachoric pairs (2x2 tables + fit)", "pairs/s") { t in
            try rate(pairs) { _ = try PairwiseStatistics(x, threads: t) }
        }
        let pw = try PairwiseStatistics(x, threads: threads)
        let p = (0..<x.m).map { pw.errorRate($0) }
        let idx = p.indices.filter { p[$0] > 0 && p[$0] < 1 }
        let d = idx.count
        let s = try FullCopula.project(pw, models: idx).sampling
        let tau = idx.map { cf_norm_quantile(1 - p[$0]) } // all-correct orthant: plenty of hits, no early-exit flattery
        let draws = 200_000
        try both("draws_per_second", "Gaussian-copula draws (crude MC, \(d) dims)", "draws/s") { t in
            var e = cf_estimate()
            return try rate(Double(draws)) { try check(cf_orthant_mc(s, tau, d, 1, UInt64(draws), t, &e), "cf_orthant_mc") }
        }
        let boot = try Bootstrap(x, stats: BootstrapStatistic.standard, seed: seed)
        let reps = max(8, min(200, 20_000 / max(1, models)))
        try both("replicates_per_second", "bootstrap replicates (standard statistics)", "replicates/s") { t in
            try rate(Double(reps)) {
                var table = UnitTable(signature: .object([]), columns: BootstrapStatistic.standard.map(\.rawValue), units: reps, shard: .whole)
                _ = try UnitRunner(threads: t, label: "profile", progress: false, checkpoint: nil).run(&table) { try boot.replicate($0) }
            }
        }
        let scan = try PoolScan(sim.raw, sizes: [max(2, models / 2)], subsets: max(8, min(100, 20_000 / max(1, models))), seed: seed)
        try both("subsets_per_second", "scan subsets (size m/2)", "subsets/s") { t in
            try rate(Double(scan.units.count)) {
                var table = UnitTable(signature: .object([]), columns: PoolScan.columns, units: scan.units.count, shard: .whole)
                _ = try UnitRunner(threads: t, label: "profile", progress: false, checkpoint: nil).run(&table) { try scan.compute($0) }
            }
        }
    }

    public func section() -> Report.Section {
        var s = Report.Section(key: "profile", title: "Throughput on a generated \(queries) x \(models) matrix (1 vs \(threads) threads)")
        s.add("n_queries", "queries", .int(queries))
        s.add("n_models", "models", .int(models))
        s.add("threads", "threads", .int(threads))
        for r in rows {
            s.add(r.key, r.label, .number(r.multi), display: String(format: "%@ %@ at %d threads (%@ at 1; speed-up %.2fx)",
                                                                     Report.fmt(r.multi), r.unit, threads, Report.fmt(r.single), r.speedup))
            s.add(r.key + "_1_thread", "  at 1 thread", .number(r.single))
        }
        return s
    }
}
