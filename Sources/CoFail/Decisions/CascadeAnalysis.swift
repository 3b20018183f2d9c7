import Foundation

/// How the held-out threshold is chosen on the training folds (METHODS §13.7).
public enum CascadeObjective: String, Sendable, CaseIterable, Codable {
    /// The largest train advantage over random mixing (ties: the smallest escalation).
    case advantage
    /// The smallest escalation whose train accuracy reaches the floor.
    case floor
    /// The largest escalation not above `maxEscalation`.
    case escalation
}

/// Options of `cascade` (METHODS §13.2).
public struct CascadeOptions: Sendable {
    /// Quality floor A_min; nil = (a_S + a_L)/2.
    public var floor: Double?
    public var folds = 5
    public var seed: UInt64 = 1
    public var objective = CascadeObjective.advantage
    public var maxEscalation = 0.3
    public var noiseLevels: [Double] = (0...10).map { Double($0) / 10 }
    public var noiseSeeds = 20
    public var threads = 1

    public init() {}

    /// The quality floor of a sample: `floor`, or by default (a_S + a_L)/2.
    public func floor(for x: CascadeSample) -> Double {
        if let floor {
            return floor
        }
        let n = Double(x.cheapRight.count)
        let cheap = Double(x.cheapRight.filter { $0 }.count) / n
        let strong = Double(x.strongRight.filter { $0 }.count) / n
        return (cheap + strong) / 2
    }
}

/// The k-fold held-out threshold choice (METHODS §13.7).
public struct CascadeHeldOut: Sendable {
    public struct Fold: Sendable {
        public let testQueries: Int
        /// Escalate s < threshold; nil = +∞ (escalate all).
        public let threshold: Double?
        public let floorReachedTrain: Bool?
        public let trainEscalation: Double
        public let trainAdvantage: Double
        public let testEscalation: Double
        public let testAccuracy: Double
        public let testRandomAccuracy: Double
        public let testAUC: Quantity
        public let testCost: Quantity
        public let testCostPerCorrect: Quantity

        public var testAdvantage: Double { testAccuracy - testRandomAccuracy }
    }

    public let folds: Int
    public let seed: UInt64
    public let objective: CascadeObjective
    public let perFold: [Fold]
    public let pooledEscalation: Double
    public let pooledAccuracy: Double
    public let pooledRandomAccuracy: Double

    public var pooledAdvantage: Double { pooledAccuracy - pooledRandomAccuracy }
    public var meanTestAdvantage: Double { perFold.map(\.testAdvantage).reduce(0, +) / Double(perFold.count) }
    public var sdTestAdvantage: Double { sampleSD(perFold.map(\.testAdvantage)) }
    public var meanTestAUC: Quantity {
        let v = perFold.compactMap(\.testAUC.value)
        return v.isEmpty ? .undefined("no fold has a defined test AUC") : .defined(v.reduce(0, +) / Double(v.count))
    }
    public var undefinedTestAUC: Int { perFold.filter { $0.testAUC.value == nil }.count }

    public init(
        _ x: CascadeSample, ids: [String], folds k: Int, seed: UInt64, objective: CascadeObjective, floor: Double,
        maxEscalation: Double, full: CascadeCurve
    ) throws {
        folds = k
        self.seed = seed
        self.objective = objective
        let fold = HeldOutFolds.assign(ids, folds: k, seed: seed)
        var rows: [Fold] = []
        var escalatedAll = 0
        var rightAll = 0
        for f in 0..<k {
            let train = try CascadeCurve(x.subset((0..<x.n).filter { fold[$0] != f }))
            var j = 0
            var reached: Bool?
            switch objective {
            case .advantage:
                for i in 1..<train.pointCount where train.advantage(i) > train.advantage(j) {
                    j = i
                }
            case .floor:
                if let i = (0..<train.pointCount).first(where: { train.accuracy($0) >= floor }) {
                    j = i
                    reached = true
                } else {
                    j = train.pointCount - 1
                    reached = false
                }
            case .escalation:
                for i in 0..<train.pointCount where train.escalation(i) <= maxEscalation {
                    j = i
                }
            }
            let tau = train.threshold(j)
            let testIdx = (0..<x.n).filter { fold[$0] == f }
            let test = x.subset(testIdx)
            let testCurve = try CascadeCurve(test)
            var escalated = 0
            var right = 0
            var cost = CompensatedSum()
            for q in 0..<test.n {
                let up = tau.map { test.confidence[q] < $0 } ?? true
                escalated += up ? 1 : 0
                right += (up ? test.strongRight[q] : test.cheapRight[q]) ? 1 : 0
                if let cs = test.cheapCost, let cl = test.strongCost {
                    cost.add(cs[q] + (up ? cl[q] : 0))
                }
            }
            escalatedAll += escalated
            rightAll += right
            let nt = Double(test.n)
            let e = Double(escalated) / nt
            let acc = Double(right) / nt
            let c: Quantity = x.hasCosts ? .defined(cost.value / nt) : .undefined(CascadeCurve.noCosts)
            rows.append(
                Fold(
                    testQueries: test.n, threshold: tau, floorReachedTrain: reached,
                    trainEscalation: train.escalation(j), trainAdvantage: train.advantage(j), testEscalation: e,
                    testAccuracy: acc,
                    testRandomAccuracy: testCurve.cheapAccuracy
                        + e * (testCurve.strongAccuracy - testCurve.cheapAccuracy),
                    testAUC: testCurve.auc, testCost: c,
                    testCostPerCorrect: c.value.map { acc > 0 ? .defined($0 / acc) : .undefined("accuracy is 0") }
                        ?? c))
        }
        perFold = rows
        pooledEscalation = Double(escalatedAll) / Double(x.n)
        pooledAccuracy = Double(rightAll) / Double(x.n)
        pooledRandomAccuracy = full.cheapAccuracy + pooledEscalation * (full.strongAccuracy - full.cheapAccuracy)
    }
}

/// The spread of fold or replicate values: the sample standard deviation, 0 for a single value.
func sampleSD(_ v: [Double]) -> Double {
    v.count > 1 ? sampleStandardDeviation(v) : 0
}

/// The noise-injection collapse check (METHODS §13.8): the verifier's rank-scaled confidence
/// mixed with uniform noise, `s_η = (1 − η)·r + η·u`, u from Philox keyed by (seed, level,
/// replicate) with one stream per query.
public struct CascadeNoise: Sendable {
    public struct Replicate: Sendable {
        public let auc: Double?
        public let integratedAdvantage: Double
        public let integratedCalibration: Double
        public let integratedTailEdge: Double
        public let maxAdvantage: Double
        public let dominates: Bool?
        /// |∫Δ_cal − a_S(1 − a_S)(AUC − ½)| of this replicate (the §13.5 identity).
        public let identityError: Double
    }

    public struct Level: Sendable {
        public let level: Double
        public let replicates: [Replicate]

        public var meanAUC: Quantity { mean(replicates.compactMap(\.auc)) }
        public var sdAUC: Quantity {
            let v = replicates.compactMap(\.auc)
            return v.isEmpty ? .undefined("AUC undefined") : .defined(sampleSD(v))
        }
        public var meanIntegratedAdvantage: Double { mean(replicates.map(\.integratedAdvantage)).value! }
        public var sdIntegratedAdvantage: Double { sampleSD(replicates.map(\.integratedAdvantage)) }
        public var meanIntegratedCalibration: Double { mean(replicates.map(\.integratedCalibration)).value! }
        public var meanIntegratedTailEdge: Double { mean(replicates.map(\.integratedTailEdge)).value! }
        public var meanMaxAdvantage: Double { mean(replicates.map(\.maxAdvantage)).value! }
        public var dominanceShare: Quantity {
            let d = replicates.compactMap(\.dominates)
            guard d.count == replicates.count else {
                return .undefined("dominance is undefined (no costs, or the floor is never reached)")
            }
            return .defined(Double(d.filter { $0 }.count) / Double(d.count))
        }

        func mean(_ v: [Double]) -> Quantity {
            v.isEmpty ? .undefined("AUC undefined") : .defined(v.reduce(0, +) / Double(v.count))
        }
    }

    public let seeds: Int
    public let levels: [Level]

    /// The values of a replicate unit, in this order (NaN where undefined; dominance 1/0).
    public static let columns = [
        "auc", "integrated_advantage", "integrated_calibration", "integrated_tail_edge", "max_advantage",
        "dominates", "identity_error",
    ]

    /// The replicates as units of the engine: unit u is level u / seeds, replicate u % seeds, a pure
    /// function of u (Philox keyed by seed, level and replicate), so a noise run has threads,
    /// checkpoints, shards and merge like any engine run. Without noise (η = 0) every replicate is
    /// the rank-scaled verifier itself.
    public struct Units: Sendable {
        let sample: CascadeSample
        let pair: CascadePair
        let floor: Double
        public let levels: [Double]
        public let seeds: Int
        let seed: UInt64
        let ranks: [Double]

        public init(_ x: CascadeSample, floor: Double, levels: [Double], seeds: Int, seed: UInt64) throws {
            sample = x
            pair = CascadePair(x)
            self.floor = floor
            self.levels = levels
            self.seeds = seeds
            self.seed = seed
            ranks = try x.rankScaled()
        }

        public var count: Int { levels.count * seeds }

        public func compute(_ u: Int) throws -> [Double] {
            let (l, rep) = (u / seeds, u % seeds)
            let eta = levels[l]
            var scores = ranks
            if eta > 0 {
                let key = RandomKey(seed: seed, domain: .noise, unit: UInt64(l) << 32 | UInt64(rep))
                scores = key.uniformPerStream(sample.n)
                for q in 0..<sample.n {
                    scores[q] = (1 - eta) * ranks[q] + eta * scores[q]
                }
            }
            let c = try CascadeCurve(sample.rescored(scores))
            let f = CascadeFloor(c, pair: pair, floor: floor)
            let aS = c.cheapAccuracy
            let i = c.integrals
            let identity = c.auc.value.map { abs(i.calibration - aS * (1 - aS) * ($0 - 0.5)) }
            return [
                c.auc.value ?? .nan, i.advantage, i.calibration, i.tailEdge, c.maxAdvantage.value,
                f.dominatesStrong.map { $0 ? 1 : 0 } ?? .nan, identity ?? abs(i.calibration),
            ]
        }
    }

    /// The noise family from its completed unit table.
    public init(_ units: Units, table: UnitTable) {
        seeds = units.seeds
        levels = units.levels.indices.map { l in
            Level(
                level: units.levels[l],
                replicates: (0..<units.seeds).map { rep in
                    let v = table.row(l * units.seeds + rep)
                    let at = v.startIndex
                    return Replicate(
                        auc: v[at].isNaN ? nil : v[at], integratedAdvantage: v[at + 1],
                        integratedCalibration: v[at + 2],
                        integratedTailEdge: v[at + 3], maxAdvantage: v[at + 4],
                        dominates: v[at + 5].isNaN ? nil : v[at + 5] == 1, identityError: v[at + 6])
                })
        }
    }

    /// The noise family computed here, on `threads` threads (no checkpoint).
    public init(_ units: Units, threads: Int) throws {
        var table = UnitTable(
            signature: .inProcess, columns: CascadeNoise.columns, units: units.count, shard: .whole)
        _ = try UnitRunner(threads: threads).run(&table) { try units.compute($0) }
        self.init(units, table: table)
    }

    /// The critical-AUC bracket (§13.6) over the noise family.
    public var criticalAUC: (lo: Quantity, hi: Quantity, monotone: Bool?) {
        var lo: Double?
        var hi: Double?
        for l in levels {
            guard let share = l.dominanceShare.value else {
                let why = "dominance is undefined (no costs, or the floor is never reached)"
                return (.undefined(why), .undefined(why), nil)
            }
            guard let auc = l.meanAUC.value else {
                continue
            }
            if share < 0.5 {
                lo = max(lo ?? auc, auc)
            } else {
                hi = min(hi ?? auc, auc)
            }
        }
        switch (lo, hi) {
        case (let a?, let b?): return (.defined(a), .defined(b), a < b)
        case (nil, _):
            let why = "every level dominates the strong model"
            return (.undefined(why), hi.map { .defined($0) } ?? .undefined(why), nil)
        case (_, nil):
            let why = "no level dominates the strong model"
            return (lo.map { .defined($0) } ?? .undefined(why), .undefined(why), nil)
        }
    }
}

/// Every §13 quantity of one (cheap, strong) pair.
public struct CascadeAnalysis: Sendable {
    public let cheap: String
    public let strong: String
    public let sample: CascadeSample
    public let ids: [String]
    public let curve: CascadeCurve
    public let floor: CascadeFloor
    public let heldOut: CascadeHeldOut
    public let noise: CascadeNoise

    /// `noiseTable`: the completed noise units (`noiseUnits`), run on the engine; without it they
    /// run here on `options.threads`.
    public init(
        _ x: CascadeSample, ids: [String], cheap: String, strong: String, options o: CascadeOptions,
        noiseTable: UnitTable? = nil
    ) throws {
        guard x.n >= 1 else {
            throw CoFailError.conflict("no query has both models' answers and the cheap model's confidence")
        }
        guard o.folds >= 2, o.folds <= x.n else {
            throw CoFailError.invalidParameter(
                name: "folds", value: String(o.folds), requirement: "lie in 2...\(x.n) (the number of kept queries)")
        }
        self.cheap = cheap
        self.strong = strong
        sample = x
        self.ids = ids
        curve = try CascadeCurve(x)
        let a = o.floor(for: x)
        let pair = CascadePair(x)
        floor = CascadeFloor(curve, pair: pair, floor: a)
        heldOut = try CascadeHeldOut(
            x, ids: ids, folds: o.folds, seed: o.seed, objective: o.objective, floor: a,
            maxEscalation: o.maxEscalation, full: curve)
        let units = try CascadeNoise.Units(x, floor: a, levels: o.noiseLevels, seeds: o.noiseSeeds, seed: o.seed)
        noise = try noiseTable.map { CascadeNoise(units, table: $0) } ?? CascadeNoise(units, threads: o.threads)
    }

    /// The noise replicates' units of a pair (to run them on the engine before the analysis).
    public static func noiseUnits(_ x: CascadeSample, options o: CascadeOptions) throws -> CascadeNoise.Units {
        try CascadeNoise.Units(x, floor: o.floor(for: x), levels: o.noiseLevels, seeds: o.noiseSeeds, seed: o.seed)
    }
}

/// A cascade input: the pair's kept queries after coverage and the confidence filter (§0′).
public struct CascadeInput: Sendable {
    public let cheap: Int
    public let strong: Int
    public let sample: CascadeSample
    public let ids: [String]
    public let coverage: CoverageReport
    /// The pair's matrix after coverage (before the confidence filter).
    public let matrix: OutcomeMatrix
    public let droppedNoConfidence: [String]
    public let ignoredConfidences: Int

    /// Models of `raw` carrying at least one confidence.
    public static func modelsWithConfidence(_ raw: RawMatrix) -> [Int] {
        guard let c = raw.confidences else {
            return []
        }
        return (0..<raw.modelCount).filter { i in c[i].contains { !$0.isNaN } }
    }

    /// Selects the pair (defaults of §13.2), applies coverage to {S, L}, drops queries without
    /// S's confidence, and takes the pair's costs when the input has a cost field.
    public init(_ raw: RawMatrix, cheap: String?, strong: String?, policy: CoveragePolicy) throws {
        guard let conf = raw.confidences else {
            throw CoFailError.missingField(field: "confidence", neededBy: "the cascade (the cheap model's confidence)")
        }
        let withConfidence = CascadeInput.modelsWithConfidence(raw)
        let s: Int
        if let cheap {
            guard let i = raw.modelNames.firstIndex(of: cheap) else {
                throw CoFailError.invalidParameter(
                    name: "cheap", value: cheap, requirement: "name a model of the input")
            }
            s = i
        } else if withConfidence.count == 1 {
            s = withConfidence[0]
        } else {
            let names = withConfidence.map { raw.modelNames[$0] }.joined(separator: ", ")
            throw CoFailError.invalidParameter(
                name: "cheap", value: "none", requirement: "name one of the models that carry confidences (\(names))")
        }
        let l: Int
        if let strong {
            guard let i = raw.modelNames.firstIndex(of: strong) else {
                throw CoFailError.invalidParameter(
                    name: "strong", value: strong, requirement: "name a model of the input")
            }
            guard i != s else {
                throw CoFailError.invalidParameter(
                    name: "strong", value: strong, requirement: "differ from the cheap model")
            }
            l = i
        } else {
            l = try CascadeInput.defaultStrong(raw, excluding: s)
        }
        try self.init(raw, cheap: s, strong: l, policy: policy, confidence: conf)
    }

    init(_ raw: RawMatrix, cheap s: Int, strong l: Int, policy: CoveragePolicy, confidence conf: [[Double]]) throws {
        cheap = s
        strong = l
        let (x, cov) = try raw.applyCoverage(policy, models: [s, l])
        guard x.m == 2 else {
            throw CoFailError.conflict("the coverage policy dropped one of the pair's models")
        }
        var keep: [Int] = []
        var dropped: [String] = []
        for (k, q) in cov.keptQueries.enumerated() {
            if conf[s][q].isNaN {
                dropped.append(raw.queryIDs[q])
            } else {
                keep.append(k)
            }
        }
        droppedNoConfidence = dropped
        var ignored = 0
        for i in 0..<raw.modelCount where i != s {
            ignored += conf[i].filter { !$0.isNaN }.count
        }
        ignoredConfidences = ignored
        var kept = cov
        kept.keptQueries = keep.map { cov.keptQueries[$0] }
        coverage = cov
        matrix = x
        let costs = try CellCosts.select(raw, kept, modelCosts: nil)
        ids = kept.keptQueries.map { raw.queryIDs[$0] }
        let sIndex = cov.keptModels.firstIndex(of: s)!
        let lIndex = cov.keptModels.firstIndex(of: l)!
        sample = CascadeSample(
            confidence: kept.keptQueries.map { conf[s][$0] },
            cheapRight: keep.map { !x.isError(query: $0, model: sIndex) },
            strongRight: keep.map { !x.isError(query: $0, model: lIndex) },
            cheapCost: costs.map { c in (0..<keep.count).map { c.cost(query: $0, model: sIndex) } },
            strongCost: costs.map { c in (0..<keep.count).map { c.cost(query: $0, model: lIndex) } })
        if keep.isEmpty {
            throw CoFailError.conflict("no kept query carries the cheap model's confidence (\(dropped.count) dropped)")
        }
    }

    /// The most accurate model other than S over its answered queries (ties: lower mean cost,
    /// then input order).
    static func defaultStrong(_ raw: RawMatrix, excluding s: Int) throws -> Int {
        var best: Int?
        var bestAcc = -1.0
        var bestCost = Double.infinity
        for i in 0..<raw.modelCount where i != s {
            let answered = raw.answeredCount(i)
            let right = raw.correct[i].reduce(0) { $0 + $1.nonzeroBitCount }
            let acc = Double(right) / Double(answered)
            var cost = Double.infinity
            if let c = raw.costs?[i] {
                let v = c.filter { !$0.isNaN }
                cost = v.isEmpty ? .infinity : v.reduce(0, +) / Double(v.count)
            }
            if acc > bestAcc || (acc == bestAcc && cost < bestCost) {
                best = i
                bestAcc = acc
                bestCost = cost
            }
        }
        guard let best else {
            throw CoFailError.conflict("the cascade needs a second model")
        }
        return best
    }

    /// Every (cheap, strong) pair among models with confidences, the cheap one less accurate on
    /// the pair's kept queries.
    /// A pair that could not be analysed, with the reason (coverage, confidences or costs).
    public struct SkippedPair: Sendable {
        public let cheap: String
        public let strong: String
        public let reason: String
    }

    /// Pairs whose data cannot be analysed are listed in `skipped`, never dropped silently.
    public static func allPairs(
        _ raw: RawMatrix, policy: CoveragePolicy
    ) throws -> (pairs: [CascadeInput], skipped: [SkippedPair]) {
        guard let conf = raw.confidences else {
            throw CoFailError.missingField(field: "confidence", neededBy: "every cascade pair")
        }
        var out: [CascadeInput] = []
        var skipped: [SkippedPair] = []
        for s in modelsWithConfidence(raw) {
            for l in 0..<raw.modelCount where l != s {
                let pair: CascadeInput
                do {
                    pair = try CascadeInput(raw, cheap: s, strong: l, policy: policy, confidence: conf)
                } catch let e as CoFailError {
                    skipped.append(
                        SkippedPair(cheap: raw.modelNames[s], strong: raw.modelNames[l], reason: e.description))
                    continue
                }
                let aS = pair.sample.cheapRight.filter { $0 }.count
                let aL = pair.sample.strongRight.filter { $0 }.count
                if aS < aL {
                    out.append(pair)
                }
            }
        }
        return (out, skipped)
    }
}
