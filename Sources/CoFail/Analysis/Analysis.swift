import CKernels
import Foundation

/// Options of `cofail analyze` (METHODS §2–§5).
public struct AnalysisOptions: Sendable {
    public var certificate = CertificateOptions()
    /// psych's zero-cell correction (METHODS §2); false = `--no-correction`.
    public var correction = true
    public var threads = 1
    public var seed: UInt64 = 1
    /// Crude Monte Carlo draws for β_full.
    public var draws = 1_000_000
    /// Randomised QMC points per shift and number of random shifts for the tilted estimator.
    public var qmcPoints = 4096
    public var qmcShifts = 10
    /// Whether to fit the full pairwise Gaussian copula (NCM, β_full).
    public var full = true

    public init() {}
}

/// Everything `cofail analyze` computes from one matrix.
public struct Analysis: Sendable {
    public var options: AnalysisOptions
    public var certificate: Certificate
    public var pairwise: PairwiseStatistics
    public var errorRates: [Double]
    public var copula: CopulaModels
    public var residual: FullCopula?
    /// Wall time of each stage, seconds, in order.
    public var timings: [(stage: String, seconds: Double)] = []

    public init(_ x: OutcomeMatrix, options: AnalysisOptions = .init()) throws {
        cf_init()
        // OpenBLAS stays single-threaded: LAPACK results then do not depend on --threads
        // (bit-identical output), and the engine's own threads never compete with BLAS's.
        cf_blas_set_threads(1)
        self.options = options
        var clock = Stopwatch()
        let cert = try Certificate(x, options: options.certificate)
        clock.lap("certificate")
        let pw = try PairwiseStatistics(x, correction: options.correction, threads: options.threads)
        clock.lap("pairwise_tetrachoric")
        let p = (0..<x.m).map { pw.errorRate($0) }
        certificate = cert; pairwise = pw; errorRates = p
        copula = try CopulaModels(errorRates: p, beta: cert.beta, pairwise: pw)
        clock.lap("single_factor_and_clayton")
        residual = options.full ? try FullCopula(pairwise: pw, errorRates: p, beta: cert.beta, options: options) : nil
        timings = clock.laps + (residual?.timings ?? [])
    }
}

/// Monotonic lap timer for stage timings.
struct Stopwatch {
    private var last = DispatchTime.now().uptimeNanoseconds
    private(set) var laps: [(stage: String, seconds: Double)] = []
    mutating func lap(_ stage: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        laps.append((stage, Double(now - last) * 1e-9))
        last = now
    }
}
