import Benchmark
import CKernels
import CoFail
import Foundation

/// The reference workload of the README figures: 330 queries x 67 models from a single-factor
/// Gaussian copula (ρ = 0.36, error rates 0.25 ± 0.15), drawn by `cofail simulate`'s engine.
func referenceRaw(n: Int = 330, m: Int = 67) -> RawMatrix {
    var spec = SyntheticMatrix.Spec(law: .gaussian, queries: n, models: m)
    spec.rho = 0.36
    spec.error = 0.25
    spec.spread = 0.15
    spec.seed = 7
    return try! SyntheticMatrix(spec).raw
}

/// A long CSV of `rows` records (query-major), as users export from eval harnesses.
func longCSV(rows: Int, models: Int = 100) -> ByteInput {
    var s = "query,model,correct\n"
    s.reserveCapacity(rows * 24)
    var u = [0.0, 0.0]
    for r in 0..<rows {
        cf_rng_uniform2(11, UInt64(r), 0, &u)
        s += "q\(r / models),model_\(r % models),\(u[0] < 0.5 ? 1 : 0)\n"
    }
    return try! ByteInput(name: "bench.csv", bytes: Array(s.utf8))
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(5), maxIterations: 1000)

    Benchmark("bvn_cdf x 1000 (r in [-0.99, 0.99])", configuration: .init(scalingFactor: .kilo)) { b in
        var s = 0.0
        for it in b.scaledIterations {
            let i = Double(it % 1000)
            s += cf_bvn_cdf_raw(-2 + 4 * i / 1000, 1.5 - 3 * i / 1000, -0.99 + 1.98 * Double((it * 13) % 997) / 997)
        }
        blackHole(s)
    }
    // the same 1000 arguments per round through the batch kernel (vectorised across calls)
    Benchmark("bvn_cdf batch of 1000 (r in [-0.99, 0.99])", configuration: .init(scalingFactor: .kilo)) { b in
        var h = [Double](repeating: 0, count: 1000)
        var k = h
        var r = h
        var out = h
        var s = 0.0
        var round = 0
        for _ in 0..<(b.scaledIterations.count / 1000) {
            for i in 0..<1000 {
                let it = round * 1000 + i
                let x = Double(i)
                h[i] = -2 + 4 * x / 1000
                k[i] = 1.5 - 3 * x / 1000
                r[i] = -0.99 + 1.98 * Double((it * 13) % 997) / 997
            }
            _ = cf_bvn_cdf_batch(h, k, r, 1000, &out)
            s += out[round % 1000]
            round += 1
        }
        blackHole(s)
    }

    let rawRef = referenceRaw()
    let x = try! rawRef.applyCoverage(.complete).0
    Benchmark("2x2 error tables (Gram by popcount) 330x67") { b in
        var g = [Int64](repeating: 0, count: 67 * 67)
        for _ in b.scaledIterations {
            x.errors.withUnsafeBufferPointer { e in blackHole(cf_tables_gram(e.baseAddress, x.words, 67, 1, &g)) }
        }
    }
    let boot = try! Bootstrap(x, stats: BootstrapStatistic.standard, seed: 1)
    Benchmark("one bootstrap replicate 330x67 (standard statistics)") { b in
        for it in b.scaledIterations { blackHole(try! boot.replicate(it)) }
    }
    let scan = try! PoolScan(rawRef, sizes: [33], subsets: 1000, seed: 1)
    Benchmark("one scan subset 330x67 (size 33)") { b in
        for it in b.scaledIterations { blackHole(try! scan.compute(it % 1000)) }
    }
    Benchmark("tetrachoric matrix 330x67 (2211 pairs), 1 thread") { b in
        for _ in b.scaledIterations { blackHole(try! PairwiseStatistics(x, threads: 1)) }
    }
    Benchmark("tetrachoric matrix 330x67 (2211 pairs), 2 threads") { b in
        for _ in b.scaledIterations { blackHole(try! PairwiseStatistics(x, threads: 2)) }
    }
    let p = (0..<67).map { Double(x.errorCount($0)) / 330 }
    Benchmark("beta_SF 67 models, rho 0.37") { b in
        for _ in b.scaledIterations { blackHole(try! SingleFactor.logBeta(p, rho: 0.37)) }
    }
    Benchmark("beta_SF 67 models, rho 0.99999") { b in
        for _ in b.scaledIterations { blackHole(try! SingleFactor.logBeta(p, rho: 0.99999)) }
    }
    Benchmark("certify 330x67") { b in
        for _ in b.scaledIterations { blackHole(try! Certificate(x)) }
    }

    let big = longCSV(rows: 10_000_000)
    Benchmark(
        "load long CSV, 10^7 rows (100k queries x 100 models)",
        configuration: .init(maxDuration: .seconds(20), maxIterations: 3)
    ) { b in
        for _ in b.scaledIterations { blackHole(try! MatrixLoader().load(big)) }
    }
    fullCopulaBenchmarks()
    routeBenchmarks()
}

/// Routing data: a synthetic pool with per-cell costs (uniform, scaled per model) and `types`
/// query types assigned round-robin.
func routeData(queries n: Int, models m: Int, types: Int) -> RouteData {
    let (x, _) = try! referenceRaw(n: n, m: m).applyCoverage(.complete)
    var costs = [Double](repeating: 0, count: n * m)
    var u = [0.0, 0.0]
    for i in 0..<m {
        for q in 0..<n {
            cf_rng_uniform2(13, UInt64(i), UInt64(q), &u)
            costs[i * n + q] = (1 + Double(i)) * 1e-4 * (0.5 + u[0])
        }
    }
    let t = QueryTypes(names: (0..<types).map { "t\($0)" }, index: (0..<n).map { Int32($0 % types) })
    return try! RouteData(matrix: x, costs: CellCosts(n: n, m: m, values: costs), types: t)
}

let routeBenchmarks: @Sendable () -> Void = {
    let perQuery = routeData(queries: 100_000, models: 100, types: 1)
    Benchmark(
        "route frontier, per-query partition, 10^5 queries x 100 models",
        configuration: .init(maxDuration: .seconds(10), maxIterations: 20)
    ) { b in
        for _ in b.scaledIterations { blackHole(try! RouteFrontier(perQuery, partition: .query)) }
    }
    var spec = SyntheticMatrix.Spec(law: .gaussian, queries: 100_000, models: 2)
    spec.error = 0.35
    spec.rho = 0.3
    spec.seed = 5
    spec.confidenceAUC = 0.75
    let raw = try! SyntheticMatrix(spec).raw
    let pair = try! CascadeInput(raw, cheap: "model_1", strong: "model_0", policy: .complete)
    Benchmark(
        "cascade operating curve, 10^5 queries (distinct confidences)",
        configuration: .init(maxDuration: .seconds(10), maxIterations: 50)
    ) { b in
        for _ in b.scaledIterations { blackHole(try! CascadeCurve(pair.sample)) }
    }
    Benchmark(
        "cascade report (curve, 5 folds, 11 noise levels x 20 seeds), 10^5 queries, 2 threads",
        configuration: .init(maxDuration: .seconds(20), maxIterations: 10)
    ) { b in
        var o = CascadeOptions()
        o.threads = 2
        for _ in b.scaledIterations {
            blackHole(try! CascadeAnalysis(pair.sample, ids: pair.ids, cheap: "model_1", strong: "model_0", options: o))
        }
    }
    let typed = routeData(queries: 10_000, models: 1000, types: 1000)
    Benchmark(
        "route frontier, type partition, 10^3 types x 10^3 models (10^4 queries)",
        configuration: .init(maxDuration: .seconds(10), maxIterations: 20)
    ) { b in
        for _ in b.scaledIterations { blackHole(try! RouteFrontier(typed, partition: .type)) }
    }
}

/// An indefinite n x n "correlation" matrix: one factor plus symmetric noise (min eigenvalue < 0).
func indefiniteMatrix(_ n: Int, noise: Double = 0.25, seed: UInt64 = 3) -> [Double] {
    let lam = (0..<n).map { 0.45 + 0.3 * Double($0) / Double(max(n - 1, 1)) }
    var a = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
        for j in 0..<i {
            let v = min(0.99, max(-0.99, lam[i] * lam[j] + noise * cf_rng_normal(seed, UInt64(i), UInt64(j))))
            a[i * n + j] = v
            a[j * n + i] = v
        }
        a[i * n + i] = 1
    }
    return a
}

// OpenBLAS runs on the library's fixed pool (CF_BLAS_THREADS), as in the engines.
let fullCopulaBenchmarks: @Sendable () -> Void = {
    cf_init()
    // noise 0.04 at n = 1000 gives min eigenvalue ≈ −1.9, the class of the 1,000-model analyze target
    for (n, noise) in [(67, 0.25), (1000, 0.04), (1000, 0.25)] {
        let g = indefiniteMatrix(n, noise: noise)
        var w = [Double](repeating: 0, count: n)
        _ = cf_ncm_eigen_sym(g, n, &w, nil)
        Benchmark(
            "nearest correlation matrix \(n)x\(n) (min eigenvalue \(String(format: "%.2f", w[0])))",
            configuration: .init(maxDuration: .seconds(15), maxIterations: n > 100 ? 3 : 200)
        ) { b in
            var x = [Double](repeating: 0, count: n * n)
            var info = cf_ncm_info()
            for _ in b.scaledIterations {
                blackHole(cf_ncm_project(g, n, FullCopula.ncmTolerance, 1000, FullCopula.ncmAndersonMemory, &x, &info))
            }
        }
    }
    // β_full ≈ 4e-7 in 67 dimensions: the NCM of a tetrachoric-like matrix, thresholds shifted down
    let d = 67
    var x = [Double](repeating: 0, count: d * d)
    var s = [Double](repeating: 0, count: d * d)
    var info = cf_ncm_info()
    _ = cf_ncm_project(indefiniteMatrix(d), d, FullCopula.ncmTolerance, 1000, FullCopula.ncmAndersonMemory, &x, &info)
    _ = cf_ncm_floor(x, d, 1e-8, &s)
    let tau = (0..<d).map { cf_norm_quantile(0.1 + 0.3 * Double($0) / Double(d - 1)) - 0.4 }
    for threads in [1, 2] {
        Benchmark(
            "crude MC 10^6 draws, 67 dims, \(threads) thread(s)",
            configuration: .init(maxDuration: .seconds(10), maxIterations: 20)
        ) { b in
            var e = cf_estimate()
            for _ in b.scaledIterations { blackHole(cf_orthant_mc(s, tau, d, 1, 1_000_000, threads, &e)) }
        }
    }
    Benchmark(
        "tilted SOV-QMC 67 dims, 512 points x 10 shifts, 2 threads",
        configuration: .init(maxDuration: .seconds(10), maxIterations: 100)
    ) { b in
        var e = cf_estimate()
        for _ in b.scaledIterations { blackHole(cf_orthant_tilted(s, tau, d, 1, 512, 10, 2, &e)) }
    }
}
