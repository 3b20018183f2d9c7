/// Levels of the certificate (METHODS §1).
public struct CertificateOptions: Sendable {
    /// Two-sided CP interval level: (1 − alpha).
    public var alpha: Double = 0.05
    /// One-sided risk of the certificate and of the regime call.
    public var delta: Double = 0.05
    /// Materiality μ of the co-failure tail for the regime call.
    public var materiality: Double = 0.01
    /// Orchestration overhead o (accuracy points, as a fraction), if a verdict is wanted.
    public var overhead: Double?

    public init(alpha: Double = 0.05, delta: Double = 0.05, materiality: Double = 0.01, overhead: Double? = nil) {
        self.alpha = alpha
        self.delta = delta
        self.materiality = materiality
        self.overhead = overhead
    }
}

/// The co-failure ceiling and its certificate (METHODS §1, Prop. 1).
public struct Certificate: Sendable {
    public struct ModelAccuracy: Sendable {
        public internal(set) var name: String
        public internal(set) var correct: Int
        public internal(set) var accuracy: Double
        public internal(set) var family: String?
    }
    public enum Regime: String, Sendable {
        case ceilingBound = "ceiling-bound", realizabilityBound = "realizability-bound"
    }

    public internal(set) var options: CertificateOptions
    public internal(set) var n: Int
    /// Number of models, nil in counts-only mode.
    public internal(set) var m: Int?
    public internal(set) var k: Int
    public internal(set) var beta: Double
    public internal(set) var betaCILo: Double
    public internal(set) var betaCIHi: Double
    /// β_L(δ): one-sided CP lower bound.
    public internal(set) var betaLower: Double
    /// Per-model accuracies (empty in counts-only mode).
    public internal(set) var models: [ModelAccuracy]
    public internal(set) var bestCorrect: Int
    public internal(set) var bestAccuracy: Double
    public internal(set) var bestModels: [String]
    public internal(set) var oracleAccuracy: Double
    /// G = A_or − A*, from the counts.
    public internal(set) var oracleGain: Double
    /// #{best wrong and some model right} / n, counted on the bit columns (matrix mode).
    public internal(set) var resolvableMass: Double
    /// Whether both sides of the gain-localisation identity agree exactly (integer counts).
    public internal(set) var gainIdentityHolds: Bool
    /// β_L(δ/2) and A*_L(δ/2) entering the headroom.
    public internal(set) var betaLowerHalf: Double
    public internal(set) var bestAccuracyLowerHalf: Double
    /// H = max(0, 1 − β_L(δ/2) − A*_L(δ/2)).
    public internal(set) var certifiedHeadroom: Double
    /// The certified accuracy ceiling 1 − β_L(δ).
    public internal(set) var certifiedCeiling: Double
    /// "No selection policy can pay for itself" (H < o), when an overhead was given.
    public internal(set) var noPolicyPays: Bool?
    public internal(set) var regime: Regime

    /// Counts-only mode: k all-wrong queries out of n, best model correct on `bestCorrect`.
    public init(allWrong k: Int, queries n: Int, bestCorrect: Int, options: CertificateOptions = .init()) throws {
        guard n >= 1 else {
            throw CoFailError.invalid("queries", n, "be at least 1")
        }
        guard k >= 0, k <= n else {
            throw CoFailError.invalid("all_wrong", k, "lie in 0...\(n)")
        }
        guard bestCorrect >= 0, bestCorrect <= n - k else {
            let why = "lie in 0...\(n - k): the best model cannot be right on a query every model got wrong"
            throw CoFailError.invalid("best_correct", bestCorrect, why)
        }
        try self.init(
            options: options, n: n, m: nil, k: k, models: [], bestCorrect: bestCorrect, bestModels: [],
            resolvableCount: n - k - bestCorrect)
    }

    /// Matrix mode.
    public init(_ x: OutcomeMatrix, options: CertificateOptions = .init()) throws {
        let (k, allWrong) = try BitTables.intersection(x.errors, words: x.words, models: x.m, wantMask: true)
        let correct = (0..<x.m).map { x.n - x.errorCount($0) }
        let best = correct.max()!
        let bestIdx = correct.indices.filter { correct[$0] == best }
        let resolvable = BitTables.popcount(x.errors, column: bestIdx[0], words: x.words, excluding: allWrong)
        let models = (0..<x.m).map {
            ModelAccuracy(
                name: x.modelNames[$0], correct: correct[$0], accuracy: Double(correct[$0]) / Double(x.n),
                family: x.families[$0])
        }
        try self.init(
            options: options, n: x.n, m: x.m, k: k, models: models, bestCorrect: best,
            bestModels: bestIdx.map { x.modelNames[$0] }, resolvableCount: resolvable)
    }

    private init(
        options o: CertificateOptions, n: Int, m: Int?, k: Int, models: [ModelAccuracy], bestCorrect: Int,
        bestModels: [String], resolvableCount: Int
    ) throws {
        guard o.alpha > 0, o.alpha < 1 else {
            throw CoFailError.invalid("alpha", o.alpha, "lie in (0, 1)")
        }
        guard o.delta > 0, o.delta < 1 else {
            throw CoFailError.invalid("delta", o.delta, "lie in (0, 1)")
        }
        options = o
        self.n = n
        self.m = m
        self.k = k
        self.models = models
        self.bestCorrect = bestCorrect
        self.bestModels = bestModels
        let dn = Double(n)
        beta = Double(k) / dn
        let (lo, hi) = try ClopperPearson.interval(successes: k, trials: n, alpha: o.alpha)
        let lower = try ClopperPearson.lower(successes: k, trials: n, delta: o.delta)
        let lowerHalf = try ClopperPearson.lower(successes: k, trials: n, delta: o.delta / 2)
        let bestLowerHalf = try ClopperPearson.lower(successes: bestCorrect, trials: n, delta: o.delta / 2)
        betaCILo = lo
        betaCIHi = hi
        betaLower = lower
        betaLowerHalf = lowerHalf
        bestAccuracyLowerHalf = bestLowerHalf
        bestAccuracy = Double(bestCorrect) / dn
        oracleAccuracy = Double(n - k) / dn
        let gainCount = (n - k) - bestCorrect
        oracleGain = Double(gainCount) / dn
        resolvableMass = Double(resolvableCount) / dn
        gainIdentityHolds = gainCount == resolvableCount
        let headroom = max(0, 1 - lowerHalf - bestLowerHalf)
        certifiedHeadroom = headroom
        certifiedCeiling = 1 - lower
        noPolicyPays = o.overhead.map { headroom < $0 }
        regime = lower > o.materiality ? .ceilingBound : .realizabilityBound
    }
}
