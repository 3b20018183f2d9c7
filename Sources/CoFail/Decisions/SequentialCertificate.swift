import Foundation

/// Options of the sequential certificate (METHODS §15.3, §15.5).
public struct SequentialOptions: Sendable {
    /// Orchestration overhead o the headroom is tested against.
    public var overhead: Double = 0.01
    /// Risk δ: β's sequence at δ, each model's headroom rate at δ/m.
    public var delta: Double = 0.05
    /// The mixture's Beta prior.
    public var prior: ConfidenceSequence = .jeffreys
    /// Seed of the graded order (§13.7's key); nil: the input order.
    public var shuffleSeed: UInt64?
    /// Trace thinning: one row every `every` queries (nil: every query up to 10⁴ rows, then every
    /// ⌈n/10⁴⌉); the last query always has a row.
    public var every: Int?
    /// Threads over the tracked rates (the result does not depend on it).
    public var threads: Int = 1

    public init() {}
}

/// Grade until the ceiling decides (METHODS §15.3): confidence sequences for β and for every
/// model's headroom rate G_i = P(model i wrong and some model right), read in the graded order;
/// G = min_i G_i lies in [min_i L_i, min_i U_i] at every t with probability ≥ 1 − δ (δ/m per model).
/// The decision is checked after every query; the counts are streamed per model in O(1) per query
/// and the sequences' ends are re-solved only where the new interval cuts them.
public struct SequentialCertificate: Sendable {
    public enum Decision: String, Sendable {
        case noPolicyCanPay = "no_policy_can_pay"
        case headroomCertified = "headroom_certified"
        case orderNotRandom = "order_not_random"
        case undecided
    }

    /// One row of the trace: the bounds after t graded queries and the decision so far.
    public struct TraceRow: Sendable {
        public var t: Int
        /// Queries every model got wrong among the first t.
        public var allWrong: Int
        public var betaLo: Double
        public var betaHi: Double
        public var gainLo: Double
        public var gainHi: Double
        /// "continue" until the decision, then the decision.
        public var decision: String
    }

    public let options: SequentialOptions
    public let n: Int
    public let models: Int
    /// "input" or "shuffled".
    public let order: String
    public let decision: Decision
    /// The t of the decision; nil when undecided.
    public let decidedAt: Int?
    /// The t at which the reported bounds hold: the decision's (its t − 1 when the order check
    /// fired), else n.
    public let boundsAt: Int
    public let allWrongAtBounds: Int
    public let betaLo: Double
    public let betaHi: Double
    public let gainLo: Double
    public let gainHi: Double
    /// The model attaining G_U at `boundsAt` (the first in column order on ties).
    public let bindingModel: String
    /// The rate whose sequence emptied, when the order check fired ("beta" or a model).
    public let emptiedRate: String?
    /// §1's certified headroom H on all n queries and its verdict against o.
    public let fixedNHeadroom: Double
    public let fixedNVerdict: String
    /// The first t at which peeking one-sided Clopper–Pearson bounds at δ/m, recomputed after every
    /// query, would have decided, and what; nil when they never would.
    public let naiveCPDecidedAt: Int?
    public let naiveCPDecision: Decision?
    /// Ĝ = min_i S_i / n at the end of the data.
    public let gainEstimate: Double
    /// §15.4's queries-to-decide at Ĝ, when undecided; nil otherwise or when the plan has none.
    public let queriesToDecideEstimate: Int?
    public let queriesToDecideReason: String?
    public let trace: [TraceRow]

    /// - Throws: `CoFailError.invalidParameter` for o outside (0, 1), δ outside (0, 1), a trace
    ///   step below 1 or threads below 1; kernel errors with their status.
    public init(_ input: OutcomeMatrix, options o: SequentialOptions = .init()) throws {
        guard o.overhead > 0, o.overhead < 1 else {
            throw CoFailError.invalid("overhead", o.overhead, "lie in (0, 1) for the sequential certificate")
        }
        guard o.delta > 0, o.delta < 1 else {
            throw CoFailError.invalid("delta", o.delta, "lie in (0, 1)")
        }
        if let e = o.every, e < 1 {
            throw CoFailError.invalid("every", e, "be at least 1")
        }
        guard o.threads >= 1 else {
            throw CoFailError.invalid("threads", o.threads, "be at least 1")
        }
        let x = o.shuffleSeed.map { input.selecting(HeldOutFolds.order(input.queryIDs, seed: $0)) } ?? input
        options = o
        n = x.n
        models = x.m
        order = o.shuffleSeed == nil ? "input" : "shuffled"
        let m = x.m
        let w = x.words
        let (_, allWrongMask) = try BitTables.intersection(x.errors, words: w, models: m, wantMask: true)
        let table = try ConfidenceSequenceTable(prior: o.prior, n: n)
        let stops = SequentialCertificate.traceStops(n: n, every: o.every)
        let modelLevel = o.delta / Double(m)
        let finalS = (0..<m).map { BitTables.popcount(x.errors, column: $0, words: w, excluding: allWrongMask) }
        let rates = SequentialCertificate.Rates(
            x: x, allWrongMask: allWrongMask, delta: o.delta, modelLevel: modelLevel, overhead: o.overhead,
            table: table)
        let (streams, snaps, passage) = try rates.track(
            stops: stops, passageLength: finalS.min() ?? 0, threads: o.threads)

        // The decision: the earliest event, ties in the order of §15.3.
        let gains = streams.dropFirst()
        let tEmpty = streams.compactMap(\.firstEmpty).min()
        let tBelow = gains.compactMap(\.firstHiBelow).min()
        let reached = gains.compactMap(\.firstLoReached)
        let tReached = reached.count == m ? reached.max() : nil
        let candidates: [(Int?, Decision)] = [
            (tEmpty, .orderNotRandom), (tBelow, .noPolicyCanPay), (tReached, .headroomCertified),
        ]
        var best: (t: Int, d: Decision)?
        for case (let t?, let d) in candidates where best == nil || t < best!.t {
            best = (t, d)
        }
        decision = best?.d ?? .undecided
        decidedAt = best?.t
        if decision == .orderNotRandom, let r = streams.indices.first(where: { streams[$0].firstEmpty == tEmpty }) {
            emptiedRate = r == 0 ? "beta" : x.modelNames[r - 1]
        } else {
            emptiedRate = nil
        }
        let at = best.map { $0.d == .orderNotRandom ? $0.t - 1 : $0.t } ?? n
        boundsAt = at
        var state = [ConfidenceStream]()
        for r in 0..<rates.count {
            state.append(
                try rates.replay(r, from: snaps[r], to: at))
        }
        allWrongAtBounds = state[0].s
        betaLo = state[0].lo
        betaHi = state[0].hi
        let g = state.dropFirst()
        let upper = g.map(\.hi).min() ?? 1
        gainLo = g.map(\.lo).min() ?? 0
        gainHi = upper
        let binding = g.indices.first { g[$0].hi == upper } ?? 1
        bindingModel = x.modelNames[binding - 1]

        var certOptions = CertificateOptions()
        certOptions.delta = o.delta
        certOptions.overhead = o.overhead
        let fixed = try Certificate(x, options: certOptions)
        fixedNHeadroom = fixed.certifiedHeadroom
        fixedNVerdict = fixed.certifiedHeadroom < o.overhead ? "no_policy_can_pay" : "policy_may_pay"

        let naive = try SequentialCertificate.naiveCP(
            passage: passage, n: n, level: modelLevel, overhead: o.overhead)
        naiveCPDecidedAt = naive?.t
        naiveCPDecision = naive?.d

        gainEstimate = Double(finalS.min() ?? 0) / Double(n)
        if decision != .undecided {
            queriesToDecideEstimate = nil
            queriesToDecideReason = "decided"
        } else if gainEstimate == o.overhead {
            queriesToDecideEstimate = nil
            queriesToDecideReason = "the estimated headroom equals the overhead: no sample size decides it"
        } else {
            let plan = try SequentialPlan(
                gain: gainEstimate, overhead: o.overhead, models: m, delta: o.delta, prior: o.prior)
            queriesToDecideEstimate = plan.sequentialQueries
            queriesToDecideReason =
                plan.sequentialQueries == nil ? "not decided within \(SequentialPlan.maxQueries) queries" : nil
        }

        var rows: [TraceRow] = []
        for (j, t) in stops.enumerated() {
            let so = best.map { t >= $0.t ? $0.d.rawValue : "continue" } ?? "continue"
            rows.append(
                TraceRow(
                    t: t, allWrong: snaps[0].s[j], betaLo: snaps[0].lo[j], betaHi: snaps[0].hi[j],
                    gainLo: snaps.dropFirst().map { $0.lo[j] }.min() ?? 0,
                    gainHi: snaps.dropFirst().map { $0.hi[j] }.min() ?? 1, decision: so))
        }
        trace = rows
    }

    /// The trace's counts: every `every` queries (default: every query up to 10⁴ rows, then every
    /// ⌈n/10⁴⌉), and n.
    static func traceStops(n: Int, every: Int?) -> [Int] {
        let step = every ?? (n <= 10_000 ? 1 : (n + 9_999) / 10_000)
        var stops = Array(stride(from: step, through: n, by: step))
        if stops.last != n {
            stops.append(n)
        }
        return stops
    }

    /// The tracked rates: rate 0 is β (the all-wrong column, level δ), rate i + 1 is G_i (model i
    /// wrong where some model is right, level δ/m).
    struct Rates: Sendable {
        let x: OutcomeMatrix
        let allWrongMask: [UInt64]
        let delta: Double
        let modelLevel: Double
        let overhead: Double
        let table: ConfidenceSequenceTable

        var count: Int { x.m + 1 }

        /// Advances rate r's stream to `end`.
        func advance(
            _ r: Int, _ stream: inout ConfidenceStream, to end: Int, stops: inout ConfidenceStream.Stops?,
            passage: inout [Int64]
        ) throws {
            try stream.advance(
                table: table, delta: r == 0 ? delta : modelLevel, overhead: overhead,
                bits: r == 0 ? allWrongMask : x.errors, column: r == 0 ? 0 : r - 1, words: x.words,
                exclude: r == 0 ? nil : allWrongMask, to: end, stops: &stops, passage: &passage)
        }

        /// Every rate over all n queries, the rates dealt round-robin to `threads` threads: the
        /// streams, their snapshots at `stops`, and the first t at which every G_i reached v
        /// (v = 1...passageLength).
        func track(
            stops: [Int], passageLength: Int, threads: Int
        ) throws -> (
            [ConfidenceStream], [ConfidenceStream.Stops], [Int]
        ) {
            let chunks = min(threads, count)
            typealias Part = (streams: [ConfidenceStream], stops: [ConfidenceStream.Stops], passage: [Int64])
            let results = ResultSlots<Part>(count: chunks)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                results.store(
                    c,
                    Result {
                        var part: Part = ([], [], [Int64](repeating: 0, count: passageLength))
                        var none: [Int64] = []
                        for r in stride(from: c, to: count, by: chunks) {
                            var stream = ConfidenceStream()
                            var snap: ConfidenceStream.Stops? = ConfidenceStream.Stops(at: stops)
                            // β's successes are not part of the minimum over models
                            if r == 0 {
                                try advance(r, &stream, to: x.n, stops: &snap, passage: &none)
                            } else {
                                try advance(r, &stream, to: x.n, stops: &snap, passage: &part.passage)
                            }
                            part.streams.append(stream)
                            part.stops.append(snap!)
                        }
                        return part
                    })
            }
            var streams = [ConfidenceStream](repeating: ConfidenceStream(), count: count)
            var snaps = [ConfidenceStream.Stops](repeating: ConfidenceStream.Stops(at: []), count: count)
            var passage = [Int](repeating: 0, count: passageLength)
            for c in 0..<chunks {
                let part = try results.take(c).get()
                for (k, r) in stride(from: c, to: count, by: chunks).enumerated() {
                    streams[r] = part.streams[k]
                    snaps[r] = part.stops[k]
                }
                for v in passage.indices {
                    passage[v] = max(passage[v], Int(part.passage[v]))
                }
            }
            return (streams, snaps, passage)
        }

        /// Rate r's state after `t` queries, from its last snapshot at or before t.
        func replay(_ r: Int, from snaps: ConfidenceStream.Stops, to t: Int) throws -> ConfidenceStream {
            var stream = ConfidenceStream()
            if let j = snaps.at.lastIndex(where: { $0 <= t }) {
                stream = ConfidenceStream(t: snaps.at[j], s: snaps.s[j], lo: snaps.lo[j], hi: snaps.hi[j])
            }
            var none: [Int64] = []
            var noStops: ConfidenceStream.Stops?
            try advance(r, &stream, to: t, stops: &noStops, passage: &none)
            return stream
        }
    }

    /// The first t at which one-sided Clopper–Pearson bounds at `level`, recomputed after every
    /// query, decide: no policy pays when min_i CP_upper(S_i(t), t) < o, headroom when
    /// min_i CP_lower(S_i(t), t) ≥ o. Both bounds increase with S, so only v = min_i S_i(t)
    /// matters; v is constant from passage[v − 1] (the first t at which every S_i reached v) to
    /// the next passage, and within such a run both bounds decrease with t: the upper bound is
    /// tested at the run's end and bisected for its first t below o, the lower at the run's start.
    static func naiveCP(passage: [Int], n: Int, level: Double, overhead o: Double) throws -> (t: Int, d: Decision)? {
        func upperBelow(_ v: Int, _ t: Int) throws -> Bool {
            try ClopperPearson.interval(successes: v, trials: t, alpha: 2 * level).hi < o
        }
        for v in 0...passage.count {
            let start = v == 0 ? 1 : passage[v - 1]
            let end = v < passage.count ? passage[v] - 1 : n
            guard start <= end else {
                continue
            }
            if try upperBelow(v, end) {
                var lo = start - 1
                var hi = end
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2
                    if try upperBelow(v, mid) {
                        hi = mid
                    } else {
                        lo = mid
                    }
                }
                if v == 0 || hi == start {
                    return (hi, .noPolicyCanPay)
                }
                if try ClopperPearson.lower(successes: v, trials: start, delta: level) >= o {
                    return (start, .headroomCertified)
                }
                return (hi, .noPolicyCanPay)
            }
            if v > 0, try ClopperPearson.lower(successes: v, trials: start, delta: level) >= o {
                return (start, .headroomCertified)
            }
        }
        return nil
    }
}
