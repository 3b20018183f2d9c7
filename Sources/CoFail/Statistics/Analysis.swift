import Foundation

/// Options of `cofail analyze` (METHODS §2–§5).
public struct AnalysisOptions: Sendable {
    public var certificate = CertificateOptions()
    /// psych's zero-cell correction (METHODS §2); false = no correction.
    public var correction = true
    public var threads = 1
    public var seed: UInt64 = 1
    /// Tolerances and Monte Carlo sizes (crude draws for β_full among them).
    public var precision = Precision.report
    /// Whether to fit the full pairwise Gaussian copula (NCM, β_full).
    public var full = true

    public init() {}
}

/// Everything `cofail analyze` computes from one matrix: the certificate and the full-sample
/// run of the statistics pipeline.
public struct Analysis: Sendable {
    public internal(set) var options: AnalysisOptions
    public internal(set) var certificate: Certificate
    public internal(set) var statistics: UnitStatistics
    /// Wall time of each stage, seconds, in order.
    public internal(set) var timings: [(stage: String, seconds: Double)] = []

    public var pairwise: PairwiseStatistics {
        statistics.pairwise!
    }

    public var residual: FullCopula? {
        statistics.full
    }

    public init(_ x: OutcomeMatrix, options: AnalysisOptions = .init()) throws {
        self.options = options
        var clock = Stopwatch()
        certificate = try Certificate(x, options: options.certificate)
        clock.lap("certificate")
        let counts = try SampleCounts(x, threads: options.threads)
        var context = UnitContext(
            precision: options.precision, correction: options.correction, seed: options.seed,
            threads: options.threads)
        context.timed = true
        let request: StatisticSet = options.full ? StatisticSet.analysis.union(.full) : .analysis
        statistics = try UnitStatistics(counts, computing: request, context: context)
        timings = clock.laps + statistics.timings
    }
}

/// Monotonic lap timer for stage timings.
struct Stopwatch {
    private var last = DispatchTime.now().uptimeNanoseconds
    var laps: [(stage: String, seconds: Double)] = []

    mutating func lap(_ stage: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        laps.append((stage, Double(now - last) * 1e-9))
        last = now
    }
}
