import Foundation

/// Options of `cofail fuse` (METHODS §18.2).
public struct FuseOptions: Sendable {
    /// Models whose sample-0 accuracy lies in the band are matched in quality.
    public var band: ClosedRange<Double> = 0...1
    /// k: draws on each side (odd, at least 3).
    public var draws = 5
    public var splits = 50
    public var seed: UInt64 = 0
    /// Beyond this many k-subsets of the kept models, `hetero` averages a §11.6 sample of them.
    public var maxSubsets = 1_000_000
    /// Query-bootstrap replicates of the first split's gain.
    public var replicates = 1000
    public var alpha = 0.05
    public var threads = 1

    public init() {}
}

/// Self-MoA against heterogeneous fusion at matched quality (METHODS §18): on each split of every
/// cell's samples into an estimation half and an evaluation half (a portable hash order), the
/// intra- and inter-model tetrachoric correlations on the estimation half, and on the evaluation
/// half the strict-majority accuracy of k samples of the band's best model against the mean one of
/// every k-subset of the kept models, each answering with its first evaluation sample.
public struct Fusion: Sendable {
    public struct Split: Sendable {
        public let split: Int
        public let selfMoA: Double
        public let hetero: Double
        public var gain: Double { hetero - selfMoA }
        public let rhoIntra: Quantity
        public let rhoInter: Quantity
    }

    public let options: FuseOptions
    public let n: Int
    public let bestModel: String
    public let keptModels: [String]
    /// Band models with fewer than 2k samples on some kept query.
    public let droppedFewSamples: [String]
    public let outsideBand: [String]
    public let subsetsTotal: Double
    /// "all" or "sampled".
    public let enumeration: String
    public let subsetCount: Int
    public let splits: [Split]
    public let gainCILo: Double
    public let gainCIHi: Double

    public var gains: [Double] { splits.map(\.gain) }
    public var meanGain: Double { Fusion.mean(gains) }
    public var minGain: Double { gains.min()! }
    public var maxGain: Double { gains.max()! }
    public var sharePositive: Double { Double(gains.filter { $0 > 0 }.count) / Double(gains.count) }
    public var meanSelfMoA: Double { Fusion.mean(splits.map(\.selfMoA)) }
    public var meanHetero: Double { Fusion.mean(splits.map(\.hetero)) }
    public var meanRhoIntra: Quantity { Fusion.mean(splits.map(\.rhoIntra), "ρ_intra is undefined on every split") }
    public var meanRhoInter: Quantity { Fusion.mean(splits.map(\.rhoInter), "ρ_inter is undefined on every split") }

    static func mean(_ v: [Double]) -> Double {
        var s = CompensatedSum()
        v.forEach { s.add($0) }
        return s.value / Double(v.count)
    }

    static func mean(_ v: [Quantity], _ why: String) -> Quantity {
        let d = v.compactMap(\.value)
        return d.isEmpty ? .undefined(why) : .defined(mean(d))
    }

    /// The split order of §18.2: the samples `js` of (query, model) sorted by
    /// (splitKey, j).
    public static func splitOrder(
        query: String, model: String, samples js: [Int], split r: Int, seed: UInt64
    ) -> [Int] {
        splitPositions(prefixHash: prefixHash(query: query, model: model), samples: js, split: r, seed: seed).map {
            js[$0]
        }
    }

    /// SplitMix64(FNV-1a-64("<query>\u{1f}<model>\u{1f}<j>\u{1f}<r>") XOR seed) (§18.2).
    public static func splitKey(query: String, model: String, sample j: Int, split r: Int, seed: UInt64) -> UInt64 {
        splitKey(prefixHash: prefixHash(query: query, model: model), sample: j, split: r, seed: seed)
    }

    /// The FNV-1a-64 state after "<query>\u{1f}<model>\u{1f}".
    static func prefixHash(query: String, model: String) -> UInt64 {
        Hashing.fnv1a64(Array(query.utf8) + [0x1f] + Array(model.utf8) + [0x1f])
    }

    static func splitKey(prefixHash: UInt64, sample j: Int, split r: Int, seed: UInt64) -> UInt64 {
        var h = prefixHash
        for b in Array(String(j).utf8) + [0x1f] + Array(String(r).utf8) {
            h = (h ^ UInt64(b)) &* Hashing.fnvPrime
        }
        return Hashing.splitMix64(h ^ seed)
    }

    /// The positions in `js` of the split order.
    static func splitPositions(prefixHash: UInt64, samples js: [Int], split r: Int, seed: UInt64) -> [Int] {
        let keys = js.map { splitKey(prefixHash: prefixHash, sample: $0, split: r, seed: seed) }
        return js.indices.sorted { a, b in keys[a] != keys[b] ? keys[a] < keys[b] : js[a] < js[b] }
    }

    /// The run as engine units: unit u is split u + 1, a pure function of u, so the splits have
    /// threads, checkpoints, shards and merge like any engine run. A row holds Self-MoA, hetero,
    /// ρ_intra and ρ_inter (NaN when undefined).
    public struct Units: Sendable {
        public static let columns = ["self_moa", "hetero", "rho_intra", "rho_inter"]

        public let options: FuseOptions
        let n: Int
        let k: Int
        let queryIDs: [String]
        let bestModel: String
        let keptModels: [String]
        let droppedFewSamples: [String]
        let outsideBand: [String]
        let subsetsTotal: Double
        let enumeration: String
        let members: [Int]
        /// FNV-1a-64 states of "<query>\u{1f}<model>\u{1f}", per kept model and query.
        let prefix: [[UInt64]]
        /// Each kept cell's sample indices, ascending, and whether each sample is right.
        let sampleIndex: [[[Int]]]
        let sampleRight: [[[Bool]]]
        let positions: Int
        let bestSlot: Int

        public var count: Int { options.splits }
        var subsetCount: Int { members.count / k }

        /// - Throws: `CoFailError` for an input without samples, k even or below 3, fewer than k
        ///   kept models, out-of-range options.
        public init(_ raw: RawMatrix, policy: CoveragePolicy, options o: FuseOptions) throws {
            guard let records = raw.samples else {
                throw CoFailError.missingField(field: "sample", neededBy: "fuse (repeated samples of each cell)")
            }
            guard o.draws >= 3, o.draws % 2 == 1 else {
                throw CoFailError.invalid("draws", o.draws, "be odd and at least 3")
            }
            guard o.splits >= 1 else {
                throw CoFailError.invalid("splits", o.splits, "be at least 1")
            }
            guard o.maxSubsets >= 1 else {
                throw CoFailError.invalid("max_subsets", o.maxSubsets, "be at least 1")
            }
            guard o.replicates >= 0 else {
                throw CoFailError.invalid("replicates", o.replicates, "be non-negative")
            }
            guard o.threads >= 1 else {
                throw CoFailError.invalid("threads", o.threads, "be at least 1")
            }
            guard o.alpha >= 1e-10, o.alpha < 1 else {
                throw CoFailError.invalid("alpha", o.alpha, "lie in [1e-10, 1)")
            }
            options = o
            let k = o.draws
            self.k = k
            let (x, cov) = try raw.applyCoverage(policy)
            let n = x.n
            self.n = n
            queryIDs = x.queryIDs
            let inBand = (0..<x.m).filter { o.band.contains(Double(n - x.errorCount($0)) / Double(n)) }
            outsideBand = (0..<x.m).filter { !inBand.contains($0) }.map { x.modelNames[$0] }
            // samples of the band models on the kept queries: (sample index, correct)
            var rowOf = [Int: Int]()
            for (r, q) in cov.keptQueries.enumerated() {
                rowOf[q] = r
            }
            var slot = [Int: Int]()
            for (b, i) in inBand.enumerated() {
                slot[cov.keptModels[i]] = b
            }
            var cells = [[(j: Int, right: Bool)]](repeating: [], count: inBand.count * n)
            for rec in records.records where rec.value != .missing {
                guard let b = slot[Int(rec.model)], let r = rowOf[Int(rec.query)] else {
                    continue
                }
                cells[b * n + r].append((Int(rec.sample), rec.value == .correct))
            }
            let kept = inBand.indices.filter { b in (0..<n).allSatisfy { cells[b * n + $0].count >= 2 * k } }
            droppedFewSamples = inBand.indices.filter { !kept.contains($0) }.map { x.modelNames[inBand[$0]] }
            guard kept.count >= k else {
                throw CoFailError.invalidParameter(
                    name: "draws", value: String(k),
                    requirement: "be at most the number of kept models (\(kept.count): band models with at least "
                        + "\(2 * k) samples on every kept query)")
            }
            keptModels = kept.map { x.modelNames[inBand[$0]] }
            // i*: the best kept model by sample-0 accuracy (ties: input order)
            let best = kept.min { a, b in
                let (ea, eb) = (x.errorCount(inBand[a]), x.errorCount(inBand[b]))
                return ea != eb ? ea < eb : a < b
            }!
            bestModel = x.modelNames[inBand[best]]
            var total = 1.0
            for i in 0..<k {
                total = total * Double(kept.count - i) / Double(i + 1)
            }
            subsetsTotal = total.rounded()
            let all = subsetsTotal <= Double(o.maxSubsets)
            enumeration = all ? "all" : "sampled"
            var drawn: [Int] = []
            if all {
                var c = Array(0..<k)
                repeat {
                    drawn += c
                } while Subsets.next(&c, n: kept.count)
            } else {
                drawn = try VoteEngine.sample(models: kept.count, size: k, count: o.maxSubsets, seed: o.seed)
            }
            members = drawn
            prefix = kept.map { b in
                (0..<n).map { q in
                    Fusion.prefixHash(query: x.queryIDs[q], model: x.modelNames[inBand[b]])
                }
            }
            let byIndex = kept.map { b in (0..<n).map { q in cells[b * n + q].sorted { $0.j < $1.j } } }
            sampleIndex = byIndex.map { $0.map { $0.map(\.j) } }
            sampleRight = byIndex.map { $0.map { $0.map(\.right) } }
            positions = (0..<n).map { cells[best * n + $0].count / 2 }.min()!
            bestSlot = kept.firstIndex(of: best)!
        }

        /// Split r's order of every kept cell's samples (positions in `sampleIndex`), computed once a split.
        func orders(split r: Int) -> [[[Int]]] {
            (0..<keptModels.count).map { c in
                (0..<n).map { q in
                    Fusion.splitPositions(
                        prefixHash: prefix[c][q], samples: sampleIndex[c][q], split: r, seed: options.seed)
                }
            }
        }

        /// Error bits of the p-th estimation (or evaluation) sample of kept model c in `orders`.
        func column(_ c: Int, _ orders: [[[Int]]], evaluation: Bool, _ p: Int) -> [UInt64] {
            var bits = [UInt64](repeating: 0, count: (n + 63) / 64)
            for q in 0..<n {
                let order = orders[c][q]
                if !sampleRight[c][q][evaluation ? order[order.count / 2 + p] : order[p]] {
                    bits[q >> 6] |= UInt64(1) << UInt64(q & 63)
                }
            }
            return bits
        }

        func meanTetrachoric(_ columns: [[UInt64]]) throws -> Double {
            let m = OutcomeMatrix(
                modelNames: columns.indices.map { "c\($0)" }, queryIDs: queryIDs,
                families: Array(repeating: nil, count: columns.count), errors: Array(columns.joined()))
            return try PairwiseStatistics(m).meanTetrachoric.value ?? .nan
        }

        /// Unit u's row; with `perQuery`, also each query's (share of subsets voting right) − (Self-MoA right).
        func split(_ u: Int, perQuery: Bool) throws -> (row: [Double], differences: [Double]) {
            let r = u + 1
            let w = (n + 63) / 64
            let kept = keptModels.count
            let order = orders(split: r)
            let rhoIntra = try meanTetrachoric(
                (0..<positions).map { column(bestSlot, order, evaluation: false, $0) })
            let rhoInter = try meanTetrachoric((0..<kept).map { column($0, order, evaluation: false, 0) })
            // Self-MoA: k evaluation samples of i*; hetero: every subset's majority of first evaluation samples
            let selfCols = (0..<k).map { column(bestSlot, order, evaluation: true, $0) }
            var selfRight = [Double](repeating: 0, count: n)
            for q in 0..<n {
                let bit = UInt64(1) << UInt64(q & 63)
                let wrong = selfCols.reduce(0) { $0 + ($1[q >> 6] & bit != 0 ? 1 : 0) }
                selfRight[q] = 2 * (k - wrong) > k ? 1 : 0
            }
            var correct = [UInt64](repeating: 0, count: kept * w)
            for c in 0..<kept {
                let errors = column(c, order, evaluation: true, 0)
                for v in 0..<w {
                    correct[c * w + v] = ~errors[v]
                }
                if n % 64 != 0 {
                    correct[c * w + w - 1] &= (UInt64(1) << UInt64(n % 64)) - 1
                }
            }
            let counts = try VoteKernel.counts(correct, words: w, members: members, k: k)
            var hetero = CompensatedSum()
            for s in 0..<subsetCount {
                hetero.add(Double(counts[4 * s]) / Double(n))
            }
            var selfSum = CompensatedSum()
            selfRight.forEach { selfSum.add($0) }
            var differences: [Double] = []
            if perQuery {
                var share = [Double](repeating: 0, count: n)
                for s in 0..<subsetCount {
                    for q in 0..<n {
                        var right = 0
                        for c in members[s * k..<(s + 1) * k]
                        where correct[c * w + q >> 6] & (UInt64(1) << UInt64(q & 63)) != 0 {
                            right += 1
                        }
                        if 2 * right > k {
                            share[q] += 1 / Double(subsetCount)
                        }
                    }
                }
                differences = zip(share, selfRight).map { $0 - $1 }
            }
            let row = [selfSum.value / Double(n), hetero.value / Double(subsetCount), rhoIntra, rhoInter]
            return (row, differences)
        }

        public func compute(_ u: Int) throws -> [Double] {
            try split(u, perQuery: false).row
        }
    }

    /// The fusion from its completed unit table; the first split is recomputed per query for its
    /// bootstrap (§6 percentile interval).
    public init(_ units: Units, table: UnitTable) throws {
        let o = units.options
        options = o
        n = units.n
        bestModel = units.bestModel
        keptModels = units.keptModels
        droppedFewSamples = units.droppedFewSamples
        outsideBand = units.outsideBand
        subsetsTotal = units.subsetsTotal
        enumeration = units.enumeration
        subsetCount = units.subsetCount
        let undefined = "every pair is undefined (a sample column right or wrong on every query)"
        splits = (0..<units.count).map { u in
            let v = Array(table.row(u))
            return Split(
                split: u + 1, selfMoA: v[0], hetero: v[1],
                rhoIntra: v[2].isNaN ? .undefined(undefined) : .defined(v[2]),
                rhoInter: v[3].isNaN ? .undefined(undefined) : .defined(v[3]))
        }
        let d = try units.split(0, perQuery: true).differences
        var reps: [Double] = []
        for b in 0..<o.replicates {
            let idx = RandomKey(seed: o.seed, domain: .resample, unit: UInt64(b)).resampleIndices(n)
            var s = CompensatedSum()
            for q in idx {
                s.add(d[Int(q)])
            }
            reps.append(s.value / Double(n))
        }
        if reps.isEmpty {
            (gainCILo, gainCIHi) = (.nan, .nan)
        } else {
            (gainCILo, gainCIHi) = BootstrapInterval.percentile(reps.sorted(), alpha: o.alpha)
        }
    }

    /// The fusion computed here, its splits on `options.threads` threads (no checkpoint).
    public init(_ raw: RawMatrix, policy: CoveragePolicy, options o: FuseOptions) throws {
        let units = try Units(raw, policy: policy, options: o)
        var table = UnitTable(signature: .inProcess, columns: Units.columns, units: units.count, shard: .whole)
        _ = try UnitRunner(threads: o.threads).run(&table) { try units.compute($0) }
        try self.init(units, table: table)
    }
}

extension FuseSignature {
    public init(options o: FuseOptions) {
        self.init(
            bandLo: o.band.lowerBound, bandHi: o.band.upperBound, draws: o.draws, splits: o.splits,
            maxSubsets: o.maxSubsets, replicates: o.replicates, alpha: o.alpha)
    }

    /// The options this signature records, with the run's seed and this process's threads.
    public func options(seed: UInt64, threads: Int) -> FuseOptions {
        var o = FuseOptions()
        o.band = bandLo...max(bandLo, bandHi)
        o.draws = draws
        o.splits = splits
        o.maxSubsets = maxSubsets
        o.replicates = replicates
        o.alpha = alpha
        o.seed = seed
        o.threads = threads
        return o
    }
}
