import Foundation

/// Throughput of cofail's main kernels on a generated matrix of a given size, at 1 thread and
/// at `threads` threads: what a user needs to size a study before running it.
public struct ThroughputProfile: Sendable {
    public struct Row: Sendable {
        public internal(set) var key: String
        public internal(set) var label: String
        public internal(set) var unit: String
        public internal(set) var single: Double
        public internal(set) var multi: Double
        public var speedup: Double { multi / single }
    }
    public internal(set) var models: Int
    public internal(set) var queries: Int
    public internal(set) var threads: Int
    public internal(set) var rows: [Row] = []

    public init(models: Int, queries: Int, threads: Int, seed: UInt64 = 1) throws {
        guard models >= 2, queries >= 10 else {
            throw CoFailError.invalid(
                models < 2 ? "models" : "queries", models < 2 ? models : queries, "be at least 2 models and 10 queries")
        }
        self.models = models
        self.queries = queries
        self.threads = max(1, threads)
        var spec = SyntheticMatrix.Spec(law: .gaussian, queries: queries, models: models)
        spec.rho = 0.36
        spec.error = 0.25
        spec.spread = 0.15
        spec.seed = seed
        spec.threads = self.threads
        let sim = try SyntheticMatrix(spec)
        let x = try sim.raw.applyCoverage(.complete).0
        let pairs = Double(models * (models - 1) / 2)

        // Repeats the work for at least 0.3 s: shorter bursts understate thread scaling on VMs
        // whose second core takes tens of milliseconds to come in.
        func rate(_ work: Double, _ body: () throws -> Void) rethrows -> Double {
            let t0 = DispatchTime.now().uptimeNanoseconds
            var rounds = 0.0
            var elapsed = 0.0
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
        // the all-correct orthant: plenty of hits, so no draw exits early
        let tau = idx.map { Normal.quantile(1 - p[$0]) }
        let draws = 200_000
        let key = RandomKey(seed: seed, domain: .crudeMonteCarlo, unit: 0)
        try both("draws_per_second", "Gaussian-copula draws (crude MC, \(d) dims)", "draws/s") { t in
            try rate(Double(draws)) {
                _ = try OrthantKernel.crudeMonteCarlo(
                    correlation: s, thresholds: tau, key: key, draws: draws, threads: t)
            }
        }
        let boot = try Bootstrap(x, stats: BootstrapStatistic.standard, seed: seed)
        let input = EngineInput(path: "profile", format: nil, threshold: nil, minModelCoverage: nil, registry: nil)
        let signature = RunSignature(
            command: "profile", input: input, matrixHash: "", seed: seed,
            zeroCellCorrection: true)
        let reps = max(8, min(200, 20_000 / max(1, models)))
        try both("replicates_per_second", "bootstrap replicates (standard statistics)", "replicates/s") { t in
            try rate(Double(reps)) {
                var table = UnitTable(
                    signature: signature, columns: BootstrapStatistic.standard.map(\.rawValue),
                    units: reps, shard: .whole)
                _ = try UnitRunner(threads: t).run(&table) { try boot.replicate($0) }
            }
        }
        var voteOptions = VoteOptions()
        voteOptions.subsets = min(20_000, Subsets.binomial(models, min(3, models)))
        voteOptions.replicates = 0
        if models >= 3 {
            let vote = try VoteEngine(VotePool(x), options: voteOptions)
            try both("vote_subsets_per_second", "majority-vote subsets (size 3)", "subsets/s") { t in
                try rate(Double(vote.units)) {
                    var table = UnitTable(
                        signature: signature, columns: vote.columns, units: vote.units,
                        shard: .whole)
                    _ = try UnitRunner(threads: t).run(&table) {
                        try vote.compute($0)
                    }
                }
            }
        }
        var sequential = SequentialOptions()
        let streamed = "sequential certificate (queries × (models + 1) streamed)"
        try both("sequential_steps_per_second", streamed, "steps/s") { t in
            sequential.threads = t
            return try rate(Double(x.n * (x.m + 1))) { _ = try SequentialCertificate(x, options: sequential) }
        }
        // learned routers on generated prompts: a topic word and two of fifty others per query
        let texts = (0..<x.n).map { q in "topic\(q % 10) w\((q * 7) % 50) w\((q * 13) % 50) what is the answer" }
        let zero = CellCosts(n: x.n, m: x.m, values: Array(repeating: 0, count: x.n * x.m))
        let routeData = try RouteData(matrix: x, costs: zero, types: nil)
        var learned = LearnedRouterOptions()
        try both("learned_router_fits_per_second", "learned routers (text, all learners, 5 folds)", "query·models/s") {
            t in
            learned.threads = t
            return try rate(Double(x.n * x.m)) {
                _ = try LearnedRouters(
                    routeData, hasCosts: false, signals: .texts(texts), frontiers: [], options: learned)
            }
        }
        let scan = try PoolScan(
            sim.raw, sizes: [max(2, models / 2)], subsets: max(8, min(100, 20_000 / max(1, models))), seed: seed)
        try both("subsets_per_second", "scan subsets (size m/2)", "subsets/s") { t in
            try rate(Double(scan.units.count)) {
                var table = UnitTable(
                    signature: signature, columns: PoolScan.columns, units: scan.units.count,
                    shard: .whole)
                _ = try UnitRunner(threads: t).run(&table) { try scan.compute($0) }
            }
        }
    }
}
