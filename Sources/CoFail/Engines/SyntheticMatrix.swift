import Foundation

/// Laws `cofail simulate matrix` can draw from (METHODS §8).
public enum SyntheticLaw: String, Sendable, CaseIterable {
    /// Common shock: all wrong with probability π, else independent errors q_i.
    case shock
    /// Exchangeable Clayton copula with margins p_i.
    case clayton
    /// Exchangeable Gaussian copula (single factor, equal loadings √ρ).
    case gaussian
    /// Single-factor Gaussian copula with per-model loadings λ_i.
    case factor
}

/// A synthetic outcome matrix with known truth, drawn deterministically from a seed.
public struct SyntheticMatrix: Sendable {
    public struct Spec: Sendable {
        public var law: SyntheticLaw
        public var queries: Int
        public var models: Int
        /// shock: π and the (central) per-model error q.
        public var pi = 0.05
        public var q = 0.3
        /// clayton/gaussian/factor: the (central) marginal error p.
        public var error = 0.3
        public var theta = 1.0
        public var rho = 0.3
        /// factor: loadings evenly spaced over this range.
        public var loadings: ClosedRange<Double> = 0.3...0.7
        /// Per-model error rates evenly spaced over centre ± spread (0 = homogeneous).
        public var spread = 0.0
        public var missing = 0.0
        public var seed: UInt64 = 1
        public var threads = 1
        /// When set, every model gets a binormal confidence whose AUC for its own correctness is
        /// this value: score = z + d·Y, z ~ N(0, 1), d = √2·Φ⁻¹(AUC) (so AUC = Φ(d/√2)).
        public var confidenceAUC: Double?
        /// gaussian/factor: s repeated samples of every cell (METHODS §18.2), sharing the law's
        /// latent Z with correlation `intraRho`: sample j's latent is √r·Z + √(1 − r)·ε_j.
        public var samples: Int?
        public var intraRho = 0.5

        public init(law: SyntheticLaw, queries: Int, models: Int) {
            self.law = law
            self.queries = queries
            self.models = models
        }

        /// Evenly spaced per-model values centre ± spread.
        func spaced(_ centre: Double) -> [Double] {
            guard models > 1, spread > 0 else { return Array(repeating: centre, count: models) }
            return (0..<models).map { centre - spread + 2 * spread * Double($0) / Double(models - 1) }
        }
        /// Per-model kernel parameter: q_i (shock) or p_i.
        public var parameters: [Double] { spaced(law == .shock ? q : error) }
        public var loadingValues: [Double] {
            switch law {
            case .gaussian: return Array(repeating: rho.squareRoot(), count: models)
            case .factor:
                guard models > 1 else { return [loadings.lowerBound] }
                return (0..<models).map {
                    loadings.lowerBound + (loadings.upperBound - loadings.lowerBound) * Double($0) / Double(models - 1)
                }
            default: return []
            }
        }

        public func validate() throws {
            guard queries >= 1 else { throw CoFailError.invalid("queries", queries, "be at least 1") }
            guard models >= 1 else { throw CoFailError.invalid("models", models, "be at least 1") }
            guard (0..<1).contains(missing) else {
                throw CoFailError.invalid("missing", missing, "lie in [0, 1)")
            }
            let name = law == .shock ? "q" : "error"
            for v in parameters where !(v > 0 && v < 1) {
                let why = "give per-model error rates inside (0, 1) with the heterogeneous spread"
                throw CoFailError.invalid(name, v, why)
            }
            if let s = samples {
                guard law == .gaussian || law == .factor else {
                    throw CoFailError.invalid("samples", s, "come with the gaussian or factor law (a latent to share)")
                }
                guard s >= 1, s <= 10_000 else {
                    throw CoFailError.invalid("samples", s, "lie in 1...10000")
                }
                guard (0...1).contains(intraRho) else {
                    throw CoFailError.invalid("intra_rho", intraRho, "lie in [0, 1]")
                }
            }
            switch law {
            case .shock:
                guard (0...1).contains(pi) else { throw CoFailError.invalid("pi", pi, "lie in [0, 1]") }
            case .clayton:
                guard theta > 0, theta.isFinite else {
                    throw CoFailError.invalid("theta", theta, "be positive")
                }
            case .gaussian:
                guard (0..<1).contains(rho) else { throw CoFailError.invalid("rho", rho, "lie in [0, 1)") }
            case .factor:
                guard loadings.lowerBound >= 0, loadings.upperBound < 1 else {
                    throw CoFailError.invalid(
                        "loadings", "\(loadings.lowerBound):\(loadings.upperBound)", "lie in [0, 1)")
                }
            }
        }
    }

    public var spec: Spec
    public var raw: RawMatrix
    /// True per-model error rates and the true all-wrong probability of the law.
    public var trueErrorRates: [Double]
    public var trueBeta: Double

    public init(_ spec: Spec) throws {
        try spec.validate()
        self.spec = spec
        let n = spec.queries
        let m = spec.models
        let w = (n + 63) / 64
        let param = spec.parameters
        let load = spec.loadingValues
        let law: SimulateKernel.Law
        switch spec.law {
        case .shock: law = .shock
        case .clayton: law = .clayton
        case .gaussian, .factor: law = .factor
        }
        var (errors, answered, latent) = try SimulateKernel.draw(
            law: law, parameters: param, loadings: load.isEmpty ? nil : load,
            pi: spec.pi, theta: spec.theta, queries: n, models: m,
            missing: spec.missing, seed: spec.seed, threads: spec.threads, wantLatent: spec.samples != nil)
        var records: [SampleRecords.Record] = []
        if let s = spec.samples {
            // sample j of cell (q, i): √r·Z + √(1 − r)·ε_j, ε_j normal j of unit 1 + q·m + i's synthetic key
            let r = spec.intraRho
            let tau = param.map { Normal.quantile($0) }
            records.reserveCapacity(n * m * s)
            for q in 0..<n {
                let bit = UInt64(1) << UInt64(q & 63)
                for i in 0..<m where answered[i * w + q >> 6] & bit != 0 {
                    let key = RandomKey(seed: spec.seed, domain: .synthetic, unit: 1 + UInt64(q * m + i))
                    for j in 0..<s {
                        let z =
                            r.squareRoot() * latent[q * m + i] + (1 - r).squareRoot() * key.normal(stream: UInt64(j))
                        records.append(
                            SampleRecords.Record(
                                query: Int32(q), model: Int32(i), sample: Int32(j),
                                value: z <= tau[i] ? .wrong : .correct,
                                cost: .nan, confidence: .nan))
                        if j == 0 {
                            // the cells read by default are sample 0
                            errors[i * w + q >> 6] =
                                z <= tau[i] ? errors[i * w + q >> 6] | bit : errors[i * w + q >> 6] & ~bit
                        }
                    }
                }
            }
            latent = []
        }
        var correct = [[UInt64]]()
        var ans = [[UInt64]]()
        for i in 0..<m {
            let e = errors[i * w..<(i + 1) * w]
            let a = answered[i * w..<(i + 1) * w]
            correct.append(zip(a, e).map { $0 & ~$1 })
            ans.append(Array(a))
        }
        let width = String(m - 1).count
        raw = RawMatrix(
            source: "simulated:\(spec.law.rawValue)", format: .wide, queryIDs: (0..<n).map { "q\($0)" },
            modelNames: (0..<m).map { "model_" + String(repeating: "0", count: width - String($0).count) + String($0) },
            families: Array(repeating: nil, count: m), costs: nil, queryTypes: nil, confidences: nil,
            ignoredColumns: [],
            correct: correct, answered: ans)
        if spec.samples != nil {
            raw.samples = SampleRecords(records: records)
            raw.sampleReading = SampleReading(policy: nil, samples: raw.samples!)
        }
        if let auc = spec.confidenceAUC {
            raw.confidences = SyntheticMatrix.confidences(raw, auc: auc, seed: spec.seed)
        }
        switch spec.law {
        case .shock:
            trueErrorRates = param.map { spec.pi + (1 - spec.pi) * $0 }
            trueBeta = spec.pi + (1 - spec.pi) * exp(param.reduce(0) { $0 + log($1) })
        case .clayton:
            trueErrorRates = param
            trueBeta = exp(try ClaytonKernel.logJoint(param, theta: spec.theta))
        case .gaussian, .factor:
            trueErrorRates = param
            trueBeta = exp(try FactorKernel.logBeta(param, loadings: load, relTol: Precision.report.betaSFRelTol))
        }
    }

    /// Binormal confidences (see `Spec.confidenceAUC`); NaN on missing cells. Normals from
    /// Philox keyed by (seed, confidence domain, model), one stream per query.
    static func confidences(_ raw: RawMatrix, auc: Double, seed: UInt64) -> [[Double]] {
        let d = 2.0.squareRoot() * Normal.quantile(auc)
        return (0..<raw.modelCount).map { i in
            let key = RandomKey(seed: seed, domain: .confidence, unit: UInt64(i))
            return (0..<raw.queryCount).map { q in
                let w = q >> 6
                let bit = UInt64(1) << UInt64(q & 63)
                guard raw.answered[i][w] & bit != 0 else {
                    return .nan
                }
                return key.normal(stream: UInt64(q)) + (raw.correct[i][w] & bit != 0 ? d : 0)
            }
        }
    }

    /// The sidecar describing the truth and every parameter, so a run can be reproduced.
    public func truthJSON() -> JSONValue {
        var params: [(String, JSONValue)] = [
            ("law", .string(spec.law.rawValue)), ("queries", .int(spec.queries)), ("models", .int(spec.models)),
            ("seed", .string(String(spec.seed))), ("missing", .number(spec.missing)),
            ("heterogeneous_spread", .number(spec.spread)),
            ("confidence_auc", .num(spec.confidenceAUC)), ("samples", spec.samples.map { .int($0) } ?? .null),
            ("intra_rho", spec.samples == nil ? .null : .number(spec.intraRho)),
        ]
        switch spec.law {
        case .shock: params += [("pi", .number(spec.pi)), ("q", .number(spec.q))]
        case .clayton: params += [("error", .number(spec.error)), ("theta", .number(spec.theta))]
        case .gaussian: params += [("error", .number(spec.error)), ("rho", .number(spec.rho))]
        case .factor:
            params += [("error", .number(spec.error)), ("loadings", .array(spec.loadingValues.map { .number($0) }))]
        }
        return .object([
            ("schema_version", .string(reportSchemaVersion)), ("command", .string("simulate matrix")),
            ("parameters", .object(params)),
            ("true_beta", .number(trueBeta)),
            ("true_error_rates", .array(trueErrorRates.map { .number($0) })),
            ("model_names", .array(raw.modelNames.map { .string($0) })),
        ])
    }
}
