import Foundation

/// Which statistics a unit computes beyond the counts (β, k, n, p, A*, G are always there).
public struct StatisticSet: OptionSet, Sendable, Hashable {
    public let rawValue: Int

    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// Pairwise tables, φ and tetrachoric means (METHODS §2).
    public static let pairwise = StatisticSet(rawValue: 1)
    /// β_SF(ρ̄_tet) and U_tet (METHODS §3).
    public static let tetrachoricSF = StatisticSet(rawValue: 2)
    /// β_SF(ρ̄_φ) and U_pearson, the naive calibration (METHODS §3).
    public static let pearsonSF = StatisticSet(rawValue: 4)
    /// ρ* (METHODS §3).
    public static let impliedRho = StatisticSet(rawValue: 8)
    /// Clayton θ, β_Clayton, U_Clayton (METHODS §5).
    public static let clayton = StatisticSet(rawValue: 16)
    /// The full pairwise Gaussian copula: NCM, β_full, U_full (METHODS §4).
    public static let full = StatisticSet(rawValue: 32)

    /// Everything `analyze` prints except the full copula.
    public static let analysis: StatisticSet = [.pairwise, .tetrachoricSF, .pearsonSF, .impliedRho, .clayton]

    var needsPairwise: Bool {
        !intersection([.pairwise, .tetrachoricSF, .pearsonSF, .clayton, .full]).isEmpty
    }
}

/// The sufficient counts of one sample (full matrix, bootstrap resample or column subset):
/// n queries, k all-wrong queries, and the m × m Gram matrix of error counts.
public struct SampleCounts: Sendable {
    public internal(set) var n: Int
    public internal(set) var k: Int
    public internal(set) var gram: [Int64]
    public internal(set) var families: [String?]

    public var m: Int {
        families.count
    }

    public init(n: Int, k: Int, gram: [Int64], families: [String?]) {
        precondition(gram.count == families.count * families.count)
        self.n = n
        self.k = k
        self.gram = gram
        self.families = families
    }

    /// The counts of a complete matrix.
    public init(_ x: OutcomeMatrix, threads: Int = 1) throws {
        self.init(n: x.n, k: try x.allWrong(), gram: try x.gram(threads: threads), families: x.families)
    }

    /// p_i = errors_i / n.
    public var errorRates: [Double] {
        (0..<m).map { Double(gram[$0 * m + $0]) / Double(n) }
    }
}

/// How one unit's statistics are computed: precision, random streams, threads, warm starts.
public struct UnitContext: Sendable {
    public internal(set) var precision: Precision
    /// Zero-cell correction of the tetrachoric fits (METHODS §2).
    public internal(set) var correction: Bool
    public internal(set) var seed: UInt64
    /// The statistic unit: its random streams (QMC shifts, crude draws) are keyed by it.
    public internal(set) var unit: UInt64
    /// Threads inside the unit (1 when units run concurrently).
    public internal(set) var threads: Int
    public internal(set) var warmStart: TetrachoricWarmStart?
    /// Predicts the unit's ρ* from a nearby sample's (nil: the search starts at 1/2).
    public internal(set) var impliedRhoStart: SingleFactor.ImpliedRhoStart?
    /// Record the wall time of each stage in `UnitStatistics.timings`.
    public internal(set) var timed = false
    /// Kernel workspaces shared by an engine's units (nil: allocate per call).
    public internal(set) var workspaces: WorkspacePool?

    public init(
        precision: Precision, correction: Bool = true, seed: UInt64 = 1, unit: UInt64 = UnitContext.fullSample,
        threads: Int = 1, warmStart: TetrachoricWarmStart? = nil,
        impliedRhoStart: SingleFactor.ImpliedRhoStart? = nil
    ) {
        self.precision = precision
        self.correction = correction
        self.seed = seed
        self.unit = unit
        self.threads = threads
        self.warmStart = warmStart
        self.impliedRhoStart = impliedRhoStart
    }

    /// The unit number of a full-sample analysis (replicates and subsets use their index).
    public static let fullSample = UInt64.max
}

/// The one statistics pipeline (METHODS §1–§5): the same code computes the full sample of
/// `analyze`, each bootstrap replicate and each scan subset, from the sample's counts.
public struct UnitStatistics: Sendable {
    public let n: Int
    public let k: Int
    /// β = k / n.
    public let beta: Double
    public let errorRates: [Double]
    /// A* = max_i (1 − p_i).
    public let bestAccuracy: Double
    /// G = (1 − β) − A*.
    public let oracleGain: Double
    /// The pairwise fits (nil when the unit was given only their means).
    public internal(set) var pairwise: PairwiseStatistics?
    /// β_SF at the mean tetrachoric and φ, U, Clayton (computed beside the full copula).
    var singleFactor = SingleFactorPart()
    public var betaSFTetrachoric: Quantity { singleFactor.betaSFTetrachoric }
    public var logBetaSFTetrachoric: Quantity { singleFactor.logBetaSFTetrachoric }
    public var betaSFPearson: Quantity { singleFactor.betaSFPearson }
    public var logBetaSFPearson: Quantity { singleFactor.logBetaSFPearson }
    public var underpricingTetrachoric: Quantity { singleFactor.underpricingTetrachoric }
    public var underpricingPearson: Quantity { singleFactor.underpricingPearson }
    public internal(set) var impliedRho: Quantity = .undefined("not requested")
    public var claytonTheta: Quantity { singleFactor.claytonTheta }
    public var betaClayton: Quantity { singleFactor.betaClayton }
    public var underpricingClayton: Quantity { singleFactor.underpricingClayton }
    public internal(set) var full: FullCopula?
    /// Wall time of each stage, seconds, when the context asked for it.
    public internal(set) var timings: [(stage: String, seconds: Double)] = []

    /// - Throws: `KernelError` when a kernel fails (undefined quantities are not errors: they
    ///   carry their reason).
    /// - Parameter pairwise: the sample's pairwise statistics when the caller already has them
    ///   (a scan subset of a complete matrix); fitted from `c.gram` otherwise.
    public init(
        _ c: SampleCounts, computing request: StatisticSet, context: UnitContext,
        pairwise known: PairwiseStatistics? = nil
    ) throws {
        try self.init(
            n: c.n, k: c.k, errorRates: c.errorRates, pairs: known.map { .fitted($0) } ?? .fit(c.gram, c.families),
            computing: request, context: context)
    }

    /// Where a unit's pair statistics come from.
    enum PairSource {
        /// Fit them from the m × m Gram matrix of error counts.
        case fit([Int64], [String?])
        /// The sample's fits, already made.
        case fitted(PairwiseStatistics)
        /// Only the mean tetrachoric (enough for `.tetrachoricSF` alone).
        case meanTetrachoric(PairwiseStatistics.Mean)
    }

    init(
        n: Int, k: Int, errorRates p: [Double], pairs: PairSource, computing request: StatisticSet,
        context: UnitContext
    ) throws {
        self.n = n
        self.k = k
        let beta = Double(k) / Double(n)
        self.beta = beta
        errorRates = p
        bestAccuracy = 1 - (p.min() ?? 1)
        oracleGain = 1 - beta - bestAccuracy
        guard request.needsPairwise || request.contains(.impliedRho) else {
            return
        }
        let precision = context.precision
        let workspace = try context.workspaces?.acquire()
        defer {
            if let workspace {
                context.workspaces?.release(workspace)
            }
        }
        if request.contains(.impliedRho) {
            impliedRho = try SingleFactor.impliedRho(
                p, beta: beta, precision: precision,
                hint: context.impliedRhoStart?.predict(errorRates: p, beta: beta) ?? .nan,
                hintCurvature: context.impliedRhoStart?.curvatureRatio ?? .nan, workspace: workspace)
        }
        guard request.needsPairwise else {
            return
        }
        var clock = Stopwatch()
        let pw: PairwiseStatistics?
        let meanTetrachoric: PairwiseStatistics.Mean
        switch pairs {
        case .fit(let gram, let families):
            let fitted = try PairwiseStatistics(
                gram: gram, n: n, families: families, correction: context.correction, threads: context.threads,
                warmStart: context.warmStart)
            pw = fitted
            meanTetrachoric = fitted.meanTetrachoric
        case .fitted(let known):
            pw = known
            meanTetrachoric = known.meanTetrachoric
        case .meanTetrachoric(let mean):
            precondition(request.subtracting(.tetrachoricSF).isEmpty, "a mean tetrachoric prices only β_SF(ρ̄_tet)")
            pw = nil
            meanTetrachoric = mean
        }
        pairwise = pw
        clock.lap("pairwise_tetrachoric")
        let single: @Sendable () throws -> SingleFactorPart = {
            try SingleFactorPart(
                p, beta: beta, pairwise: pw, meanTetrachoric: meanTetrachoric, request: request,
                precision: precision, workspace: workspace)
        }
        let copula: @Sendable () throws -> FullCopula = {
            try FullCopula(
                pairwise: pw!, errorRates: p, beta: beta, precision: precision, seed: context.seed,
                unit: context.unit, threads: context.threads)
        }
        let part: SingleFactorPart
        if request.contains(.full) && context.threads > 1 {
            // the full copula starts with the nearest correlation matrix, on one thread: the
            // single-factor stage runs beside it (the two share no state)
            let parts = ResultSlots<SingleFactorPart>(count: 1)
            let copulas = ResultSlots<FullCopula>(count: 1)
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                if i == 0 {
                    parts.store(0, Result { try single() })
                } else {
                    copulas.store(0, Result { try copula() })
                }
            }
            part = try parts.take(0).get()
            full = try copulas.take(0).get()
        } else {
            part = try single()
            full = request.contains(.full) ? try copula() : nil
        }
        singleFactor = part
        clock.laps += part.timings + (full?.timings ?? [])
        if context.timed {
            timings = clock.laps
        }
    }
}

/// The single-factor and Clayton quantities of a unit (METHODS §3, §5), with the stage's wall time
/// (it may run beside the full copula, so it keeps its own clock).
struct SingleFactorPart: Sendable {
    var betaSFTetrachoric: Quantity = .undefined("not requested")
    var logBetaSFTetrachoric: Quantity = .undefined("not requested")
    var underpricingTetrachoric: Quantity = .undefined("not requested")
    var betaSFPearson: Quantity = .undefined("not requested")
    var logBetaSFPearson: Quantity = .undefined("not requested")
    var underpricingPearson: Quantity = .undefined("not requested")
    var claytonTheta: Quantity = .undefined("not requested")
    var betaClayton: Quantity = .undefined("not requested")
    var underpricingClayton: Quantity = .undefined("not requested")
    var timings: [(stage: String, seconds: Double)] = []

    /// Nothing requested.
    init() {}

    init(
        _ p: [Double], beta: Double, pairwise pw: PairwiseStatistics?, meanTetrachoric: PairwiseStatistics.Mean,
        request: StatisticSet, precision: Precision, workspace: FactorWorkspace?
    ) throws {
        var clock = Stopwatch()
        if request.contains(.tetrachoricSF) {
            (betaSFTetrachoric, logBetaSFTetrachoric) = try SingleFactor.priced(
                p, rho: meanTetrachoric, label: "mean tetrachoric", relTol: precision.betaSFRelTol,
                workspace: workspace)
            underpricingTetrachoric = SingleFactor.underpricing(beta, logBetaSFTetrachoric)
        }
        if request.contains(.pearsonSF) {
            (betaSFPearson, logBetaSFPearson) = try SingleFactor.priced(
                p, rho: pw!.meanPhi, label: "mean phi", relTol: precision.betaSFRelTol, workspace: workspace)
            underpricingPearson = SingleFactor.underpricing(beta, logBetaSFPearson)
        }
        if request.contains(.clayton) {
            (claytonTheta, betaClayton, underpricingClayton) = try SingleFactor.clayton(
                errorRates: p, meanCoError: pw!.meanCoError, beta: beta)
        }
        clock.lap("single_factor_and_clayton")
        timings = clock.laps
    }
}
