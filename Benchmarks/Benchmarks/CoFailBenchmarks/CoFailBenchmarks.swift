import Benchmark
import CKernels
import CoFail
import Foundation

/// The reference workload of the issues: 330 queries x 67 models, one-factor probit
/// (y = 0.6 f + 0.8 e, accuracies U(0.6, 0.9)), fixed seed.
func referenceMatrix(n: Int = 330, m: Int = 67, seed: UInt64 = 7) -> OutcomeMatrix {
    var g = Rng(state: seed)
    let tau = (0..<m).map { _ in cf_norm_quantile(0.6 + 0.3 * g.uniform()) }
    let rows = (0..<n).map { _ -> [Bool] in
        let f = g.normal()
        return tau.map { t in 0.6 * f + 0.8 * g.normal() <= t }
    }
    return OutcomeMatrix(modelNames: (0..<m).map { "model\($0)" }, correct: rows)
}

struct Rng {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
    mutating func normal() -> Double { cf_norm_quantile(max(uniform(), 1e-300)) }
}

/// A long CSV of `rows` records (query-major), as users export from eval harnesses.
func longCSV(rows: Int, models: Int = 100) -> ByteInput {
    var s = "query,model,correct\n"
    s.reserveCapacity(rows * 24)
    var g = Rng(state: 11)
    for r in 0..<rows {
        s += "q\(r / models),model_\(r % models),\(g.next() & 1)\n"
    }
    return try! ByteInput(name: "bench.csv", bytes: Array(s.utf8))
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(5), maxIterations: 1000)

    Benchmark("bvn_cdf x 1000 (r in [-0.99, 0.99])", configuration: .init(scalingFactor: .kilo)) { b in
        var s = 0.0
        for it in b.scaledIterations {
            let i = Double(it % 1000)
            s += cf_bvn_cdf_raw(-2 + 4 * i / 1000, 1.5 - 3 * i / 1000, -0.99 + 1.98 * Double((it * 13) % 997) / 997)
        }
        blackHole(s)
    }

    let x = referenceMatrix()
    Benchmark("tetrachoric matrix 330x67 (2211 pairs), 1 thread") { b in
        for _ in b.scaledIterations { blackHole(try! PairwiseStatistics(x, threads: 1)) }
    }
    Benchmark("tetrachoric matrix 330x67 (2211 pairs), 2 threads") { b in
        for _ in b.scaledIterations { blackHole(try! PairwiseStatistics(x, threads: 2)) }
    }
    let p = (0..<67).map { Double(x.errorCount($0)) / 330 }
    Benchmark("beta_SF 67 models, rho 0.37") { b in
        for _ in b.scaledIterations { blackHole(try! CopulaModels.logBetaSF(p, rho: 0.37)) }
    }
    Benchmark("beta_SF 67 models, rho 0.99999") { b in
        for _ in b.scaledIterations { blackHole(try! CopulaModels.logBetaSF(p, rho: 0.99999)) }
    }
    Benchmark("certify 330x67") { b in
        for _ in b.scaledIterations { blackHole(try! Certificate(x)) }
    }

    let big = longCSV(rows: 10_000_000)
    Benchmark("load long CSV, 10^7 rows (100k queries x 100 models)", configuration: .init(maxDuration: .seconds(20), maxIterations: 3)) { b in
        for _ in b.scaledIterations { blackHole(try! MatrixLoader().load(big)) }
    }
}
