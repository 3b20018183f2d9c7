import Foundation
import Numerics
import Testing
@testable import CoFail

/// Bootstrap and scan engines (METHODS §6–§7): determinism, shards, resume, coverage, conventions.
@Suite(.serialized) struct EngineTests {
    static let example: (RawMatrix, OutcomeMatrix) = {
        let raw = try! MatrixLoader().load(exampleMatrix)
        return (raw, try! raw.applyCoverage(.complete).0)
    }()

    func runTable(
        units: Int, columns: [String], shard: Shard = .whole, threads: Int, checkpoint: CheckpointPlan? = nil,
        compute: @escaping @Sendable (Int) throws -> [Double]
    ) throws -> UnitTable {
        var t = UnitTable(signature: testSignature, columns: columns, units: units, shard: shard)
        _ = try UnitRunner(threads: threads, checkpoint: checkpoint)
            .run(&t, compute: compute)
        return t
    }

    @Test func bootstrapIsThreadAndShardInvariant() throws {
        let boot = try Bootstrap(EngineTests.example.1, stats: BootstrapStatistic.standard, seed: 11)
        let cols = BootstrapStatistic.standard.map(\.rawValue)
        let one = try runTable(units: 24, columns: cols, threads: 1) { try boot.replicate($0) }
        let three = try runTable(units: 24, columns: cols, threads: 3) { try boot.replicate($0) }
        #expect(one.values.elementsEqual(three.values) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        let parts = try (0..<3).map { i in
            (
                "s\(i)",
                try runTable(units: 24, columns: cols, shard: Shard(index: i, count: 3), threads: 2) {
                    try boot.replicate($0)
                }
            )
        }
        let merged = try UnitTable.merge(parts)
        #expect(merged.serialized() == one.serialized())
        // a table survives its file format bit for bit
        let path = try tempFile(one.serialized(), suffix: ".units")
        #expect(try UnitTable.read(path).table.serialized() == one.serialized())
    }

    @Test func scanIsThreadAndShardInvariant() throws {
        let scan = try PoolScan(EngineTests.example.0, sizes: [2, 5, 20, 43], subsets: 6, seed: 3)
        let a = try runTable(units: scan.units.count, columns: PoolScan.columns, threads: 1) { try scan.compute($0) }
        let b = try runTable(units: scan.units.count, columns: PoolScan.columns, threads: 2) { try scan.compute($0) }
        #expect(a.serialized() == b.serialized())
        let parts = try (0..<2).map { i in
            (
                "s\(i)",
                try runTable(
                    units: scan.units.count, columns: PoolScan.columns, shard: Shard(index: i, count: 2), threads: 1
                ) { try scan.compute($0) }
            )
        }
        #expect(try UnitTable.merge(parts).serialized() == a.serialized())
        // all subsets enumerated when fewer than S exist: C(43, 43) = 1
        #expect(scan.units.filter { $0.size == 43 }.count == 1)
        #expect(Set(scan.subset(size: 5, index: 2)).count == 5)
    }

    /// A complete matrix's subsets take sub-blocks of one pairwise fit instead of refitting: the
    /// unit table is bit-identical to the refit path, with and without missing cells (where the
    /// sub-block path is not taken) and with the full copula.
    @Test func scanSubBlocksEqualRefits() throws {
        for missing in [0.0, 0.02] {
            var spec = SyntheticMatrix.Spec(law: .gaussian, queries: 300, models: 14)
            spec.rho = 0.4
            spec.error = 0.3
            spec.spread = 0.1
            spec.missing = missing
            spec.seed = 4
            let raw = try SyntheticMatrix(spec).raw
            for full in [false, true] {
                let sizes = full ? [3, 9] : [2, 5, 14]
                let cached = try PoolScan(raw, sizes: sizes, subsets: 6, seed: 2, full: full)
                let refit = try PoolScan(raw, sizes: sizes, subsets: 6, seed: 2, full: full, reusePairwise: false)
                #expect((cached.fullPairwise != nil) == (missing == 0))
                let a = try runTable(units: cached.units.count, columns: PoolScan.columns, threads: 2) {
                    try cached.compute($0)
                }
                let b = try runTable(units: refit.units.count, columns: PoolScan.columns, threads: 2) {
                    try refit.compute($0)
                }
                #expect(a.serialized() == b.serialized(), "missing \(missing), full \(full)")
            }
        }
    }

    @Test func mergeRejectsMissingAndDuplicateUnits() throws {
        let cols = ["x"]
        let s0 = try runTable(units: 4, columns: cols, shard: Shard(index: 0, count: 2), threads: 1) { [Double($0)] }
        #expect(throws: CoFailError.self) { try UnitTable.merge([("a", s0)]) }
        #expect(throws: CoFailError.self) { try UnitTable.merge([("a", s0), ("b", s0)]) }
    }

    /// Replicates start their ρ* search from a prediction off the full sample: it lies closer to
    /// each replicate's root than the full sample's ρ* does, and the search from it at the
    /// replicates' tolerances finds the root of a cold search at report precision.
    @Test func impliedRhoStartPredictsReplicates() throws {
        let x = try gaussianMatrix(queries: 400, models: 12, rho: 0.6, error: 0.3, spread: 0.1, seed: 5)
        let full = try SampleCounts(x)
        let beta = Double(full.k) / Double(full.n)
        let rho0 = try SingleFactor.impliedRho(full.errorRates, beta: beta)
        let start = try #require(
            try SingleFactor.ImpliedRhoStart(errorRates: full.errorRates, beta: beta, rho: rho0))
        let rows = try x.queryRows()
        var predicted = 0.0
        var unmoved = 0.0
        var used = 0
        for r in 0..<60 {
            let key = RandomKey(seed: 9, domain: .resample, unit: UInt64(r))
            let c = try SampleCounts(x.resampled(key.resampleIndices(x.n), rows: rows))
            let b = Double(c.k) / Double(c.n)
            guard let exact = try SingleFactor.impliedRho(c.errorRates, beta: b).value else {
                continue
            }
            let guess = start.predict(errorRates: c.errorRates, beta: b)
            let hinted = try SingleFactor.impliedRho(
                c.errorRates, beta: b, precision: .replicate, hint: guess, workspace: nil)
            #expect(
                (try #require(hinted.value)).isApproximatelyEqual(to: exact, absoluteTolerance: 1e-8), "replicate \(r)")
            predicted += abs(guess - exact)
            unmoved += abs(rho0.value! - exact)
            used += 1
        }
        #expect(used >= 40)
        #expect(predicted < 0.5 * unmoved, "mean error of the prediction \(predicted) vs the full ρ* \(unmoved)")
    }

    /// An interrupted run resumed from its checkpoint equals an uninterrupted one.
    @Test func resumeAfterInterruptEqualsUninterrupted() throws {
        let boot = try Bootstrap(EngineTests.example.1, stats: [.beta, .best_accuracy, .mean_tetrachoric], seed: 5)
        let cols = ["beta", "best_accuracy", "mean_tetrachoric"]
        let full = try runTable(units: 300, columns: cols, threads: 2) { try boot.replicate($0) }
        let ckpt = scratchPath("ckpt", ".units")
        var t = UnitTable(signature: testSignature, columns: cols, units: 300, shard: .whole)
        let token = CancellationToken()
        let first = UnitRunner(
            threads: 2, checkpoint: .create(path: ckpt, overwrite: false), cancellation: token)
        let finished = try first.run(&t) { r in
            if r == 70 {
                token.cancel()
            }
            return try boot.replicate(r)
        }
        #expect(!finished)
        let loaded = try UnitTable.read(ckpt)
        var resumed = loaded.table
        #expect(resumed.completed > 0 && resumed.completed < 300)
        let again = UnitRunner(
            threads: 1, checkpoint: .resume(path: ckpt, intactBytes: loaded.intactBytes))
        #expect(try again.run(&resumed) { try boot.replicate($0) })
        #expect(resumed.serialized() == full.serialized())
        #expect(try UnitTable.read(ckpt).table.serialized() == full.serialized())
    }

    /// Replicates' tetrachoric fits start from the full sample's roots linearised in (h, k, p);
    /// the start must only change the work, never the root or the flags — also when it is far off
    /// (another matrix of the same shape) and on small samples with zero-cell corrections. At the
    /// replicates' root tolerance every root is within it of the full-precision root.
    @Test func linearisedWarmStartFindsTheSameRoots() throws {
        for (queries, models, error, seeds) in [(330, 30, 0.25, 1...4), (40, 12, 0.12, 11...16)] {
            func matrix(_ seed: UInt64) throws -> OutcomeMatrix {
                try gaussianMatrix(
                    queries: queries, models: models, rho: 0.5, error: error, spread: error / 2, seed: seed)
            }
            let full = try PairwiseStatistics(matrix(UInt64(seeds.lowerBound)))
            let tol = Precision.replicate.tetrachoricRootTol
            let warm = try TetrachoricWarmStart(full, rootTolerance: 0)
            let loose = try TetrachoricWarmStart(full, rootTolerance: tol)
            var corrected = 0
            for seed in seeds.dropFirst() {
                let x = try matrix(UInt64(seed))
                let cold = try PairwiseStatistics(x)
                let hot = try PairwiseStatistics(x, warmStart: warm)
                let replicate = try PairwiseStatistics(x, warmStart: loose)
                #expect(cold.status == hot.status && cold.status == replicate.status)
                corrected += cold.correctedPairs
                for (a, b) in zip(cold.r, hot.r) where !a.isNaN {
                    #expect(
                        a.isApproximatelyEqual(to: b, absoluteTolerance: 1e-12), "seed \(seed): cold \(a) warm \(b)")
                }
                for (a, b) in zip(cold.r, replicate.r) where !a.isNaN {
                    #expect(
                        a.isApproximatelyEqual(to: b, absoluteTolerance: tol),
                        "seed \(seed): cold \(a) at the replicate tolerance \(b)")
                }
            }
            if queries == 40 { #expect(corrected > 0) }
        }
    }

    /// 95 % percentile intervals for β cover the truth in about 95 % of repeated small runs.
    @Test func percentileIntervalCoverage() throws {
        var covered = 0
        let runs = 120
        for r in 0..<runs {
            var spec = SyntheticMatrix.Spec(law: .shock, queries: 400, models: 4)
            spec.pi = 0.05
            spec.q = 0.3
            spec.seed = UInt64(1000 + r)
            let sim = try SyntheticMatrix(spec)
            let x = try sim.raw.applyCoverage(.complete).0
            let boot = try Bootstrap(x, stats: [.beta], seed: UInt64(r))
            let t = try runTable(units: 400, columns: ["beta"], threads: 2) { try boot.replicate($0) }
            let (lo, hi) = BootstrapInterval.percentile(t.column("beta").sorted(), alpha: 0.05)
            if lo <= sim.trueBeta && sim.trueBeta <= hi { covered += 1 }
        }
        let share = Double(covered) / Double(runs)
        #expect(share > 0.88 && share < 0.995, "coverage \(share)")
    }

    /// Replicates where a model is never or always wrong are kept, not fatal.
    @Test func degenerateReplicatesAreHandled() throws {
        var rows = [[Bool]]()
        for q in 0..<60 { rows.append([q != 7, q % 3 != 0, q % 4 != 0]) }  // model 0 errs once
        let x = OutcomeMatrix(modelNames: ["rare", "b", "c"], correct: rows)
        let boot = try Bootstrap(x, stats: BootstrapStatistic.standard, seed: 2)
        let t = try runTable(units: 200, columns: BootstrapStatistic.standard.map(\.rawValue), threads: 2) {
            try boot.replicate($0)
        }
        #expect(t.completed == 200)
        let beta = t.column("beta")
        #expect(beta.contains(0))
        let u = t.column("underpricing_tetrachoric")
        for r in 0..<200 where beta[r] == 0 && !u[r].isNaN { #expect(u[r] == 0) }
        let summary = BootstrapSummary(
            stats: BootstrapStatistic.standard, estimates: try boot.estimate(), table: t,
            jackknife: try boot.jackknife(), alpha: 0.05)
        let json = Report(command: "bootstrap", inputs: [], sections: [summary.section()]).render(.json)
        #expect(!json.contains("nan") && !json.contains("NaN"))
    }

    /// Golden: scripts/goldens/intervals_scipy.py (numpy linear quantiles, SciPy BCa formula, spearmanr).
    @Test func intervalConventionsAgainstSciPy() throws {
        let input = try golden("intervals_input.csv")
        let reps = input.filter { $0["kind"] == "replicate" }.map { num($0, "value") }.sorted()
        let jack = input.filter { $0["kind"] == "jackknife" }.map { num($0, "value") }
        let est = num(input.first { $0["kind"] == "estimate" }!, "value")
        for row in try golden("intervals.csv") {
            let a = num(row, "alpha")
            let (lo, hi) = BootstrapInterval.percentile(reps, alpha: a)
            #expect(
                lo.isApproximatelyEqual(to: num(row, "ci_lo"), absoluteTolerance: 1e-15)
                    && hi.isApproximatelyEqual(to: num(row, "ci_hi"), absoluteTolerance: 1e-15))
            let (blo, bhi) = try BootstrapInterval.bca(reps, estimate: est, jackknife: jack, alpha: a).get()
            #expect(
                blo.isApproximatelyEqual(to: num(row, "bca_lo"), absoluteTolerance: 1e-12)
                    && bhi.isApproximatelyEqual(to: num(row, "bca_hi"), absoluteTolerance: 1e-12))
        }
        let x = input.filter { $0["kind"] == "spearman_x" }.map { num($0, "value") }
        let y = input.filter { $0["kind"] == "spearman_y" }.map { num($0, "value") }
        #expect(
            (ScanSummary.spearman(x, y)!).isApproximatelyEqual(
                to: num(try golden("spearman.csv")[0], "rho"), absoluteTolerance: 1e-14))
    }
}
