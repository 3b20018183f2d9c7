internal import CKernels

/// The Beta(a, b)-mixture confidence sequence for a Bernoulli rate (METHODS §15.2, `cf_cs.h`):
/// valid at every sample size at once (Ville's inequality), so it may be read after every query.
public struct ConfidenceSequence: Sendable, Equatable {
    /// The mixing prior's Beta parameters (METHODS §15.2: ½, ½ by default).
    public let a: Double
    public let b: Double

    /// Largest prior parameter: lgamma(a + k) − lgamma(a) keeps ~1e-9 absolute accuracy up to it;
    /// beyond, the Beta ratio loses its digits (a = 1e10: ~1e-5) and the bounds would be silently wrong.
    public static let maxPrior = 1e6

    /// - Throws: `CoFailError.invalidParameter` (`prior`) unless both lie in (0, `maxPrior`].
    public init(a: Double = 0.5, b: Double = 0.5) throws {
        guard a > 0, b > 0, a <= ConfidenceSequence.maxPrior, b <= ConfidenceSequence.maxPrior else {
            throw CoFailError.invalid("prior", "\(a),\(b)", "be two numbers a,b in (0, 1e6]")
        }
        self.init(valid: a, b)
    }

    private init(valid a: Double, _ b: Double) {
        self.a = a
        self.b = b
    }

    /// The default prior a = b = ½ (METHODS §15.2).
    public static let jeffreys = ConfidenceSequence(valid: 0.5, 0.5)

    /// log M_t(p) after t observations with s successes (+∞ where p excludes the data outright).
    public func logM(successes s: Int, trials t: Int, at p: Double) throws -> Double {
        var out = 0.0
        try kernelCheck(cf_cs_log_m(Double(s), Double(t), a, b, p, &out), "cf_cs_log_m", "log M at \(s)/\(t)")
        return out
    }

    /// The level-δ interval {p : M_t(p) < 1/δ} after t observations with s successes, its ends to
    /// 1e-12 absolute ([0, 1] before any observation).
    public func interval(successes s: Int, trials t: Int, delta: Double) throws -> (lo: Double, hi: Double) {
        var lo = 0.0
        var hi = 1.0
        try kernelCheck(
            cf_cs_interval(Double(s), Double(t), a, b, delta, &lo, &hi), "cf_cs_interval",
            "the confidence sequence at \(s)/\(t)")
        return (lo, hi)
    }
}

/// The lgamma differences of one prior's Beta ratio for every count up to `n` (`cf_cs_table`), so
/// that a stream of n observations evaluates log M_t without an lgamma call.
struct ConfidenceSequenceTable: Sendable {
    let prior: ConfidenceSequence
    let n: Int
    private let lga: [Double]
    private let lgb: [Double]
    private let lgab: [Double]

    init(prior: ConfidenceSequence, n: Int) throws {
        self.prior = prior
        self.n = n
        var a = [Double](repeating: 0, count: n + 1)
        var b = a
        var ab = a
        try kernelCheck(cf_cs_table_fill(prior.a, prior.b, n, &a, &b, &ab), "cf_cs_table_fill")
        lga = a
        lgb = b
        lgab = ab
    }

    fileprivate func withTable<R>(_ body: (UnsafePointer<cf_cs_table>) throws -> R) rethrows -> R {
        try lga.withUnsafeBufferPointer { a in
            try lgb.withUnsafeBufferPointer { b in
                try lgab.withUnsafeBufferPointer { ab in
                    var table = cf_cs_table(
                        n: n, a: prior.a, b: prior.b, lga: a.baseAddress, lgb: b.baseAddress, lgab: ab.baseAddress)
                    return try body(&table)
                }
            }
        }
    }
}

/// One Bernoulli rate's confidence sequence read query by query (`cf_cs_stream_advance`): the
/// running intersection [lo, hi] of its level-δ intervals and the first t (1-based) at which
/// hi < o, lo ≥ o and lo > hi.
struct ConfidenceStream: Sendable {
    var t = 0
    var s = 0
    var lo = 0.0
    var hi = 1.0
    var firstHiBelow: Int?
    var firstLoReached: Int?
    var firstEmpty: Int?

    /// The stream's state at (t, s) with the intersection (lo, hi), no event recorded.
    init(t: Int = 0, s: Int = 0, lo: Double = 0, hi: Double = 1) {
        self.t = t
        self.s = s
        self.lo = lo
        self.hi = hi
    }

    /// Snapshots of a stream at given counts of observations.
    struct Stops {
        var at: [Int]
        var s: [Int]
        var lo: [Double]
        var hi: [Double]

        init(at: [Int]) {
            self.at = at
            s = [Int](repeating: 0, count: at.count)
            lo = [Double](repeating: 0, count: at.count)
            hi = [Double](repeating: 1, count: at.count)
        }
    }

    /// Advances over observations t ..< `end`: observation q is bit q of the column of `words`
    /// words starting at word `column · words` of `bits`, cleared where `exclude` has it set.
    /// `stops` (ascending counts) receive the state after those observations; `passage[v − 1]` is
    /// raised to the t at which this stream's s reaches v (v ≤ passage.count).
    mutating func advance(
        table: ConfidenceSequenceTable, delta: Double, overhead o: Double, bits: [UInt64], column: Int, words: Int,
        exclude: [UInt64]?, to end: Int, stops: inout Stops?, passage: inout [Int64]
    ) throws {
        var st = cf_cs_stream(
            t: Int64(t), s: Int64(s), lo: lo, hi: hi, t_hi_below: Int64(firstHiBelow ?? 0),
            t_lo_reached: Int64(firstLoReached ?? 0), t_empty: Int64(firstEmpty ?? 0))
        let status: Int32 = table.withTable { tab in
            bits.withUnsafeBufferPointer { b in
                passage.withUnsafeMutableBufferPointer { pass in
                    let column = b.baseAddress! + column * words
                    let pp = pass.count > 0 ? pass.baseAddress : nil
                    let np = pass.count
                    func run(_ ex: UnsafePointer<UInt64>?) -> Int32 {
                        guard var sp = stops else {
                            return cf_cs_stream_advance(
                                tab, delta, o, column, ex, Int64(end), nil, 0, nil, nil, nil, pp, np, &st)
                        }
                        let at = sp.at.map(Int64.init)
                        var ss = [Int64](repeating: 0, count: at.count)
                        let r = cf_cs_stream_advance(
                            tab, delta, o, column, ex, Int64(end), at, at.count, &ss, &sp.lo, &sp.hi, pp, np, &st)
                        for j in at.indices where at[j] > Int64(t) && at[j] <= st.t {
                            sp.s[j] = Int(ss[j])
                        }
                        stops = sp
                        return r
                    }
                    guard let exclude else {
                        return run(nil)
                    }
                    return exclude.withUnsafeBufferPointer { run($0.baseAddress) }
                }
            }
        }
        t = Int(st.t)
        s = Int(st.s)
        lo = st.lo
        hi = st.hi
        firstHiBelow = st.t_hi_below > 0 ? Int(st.t_hi_below) : nil
        firstLoReached = st.t_lo_reached > 0 ? Int(st.t_lo_reached) : nil
        firstEmpty = st.t_empty > 0 ? Int(st.t_empty) : nil
        try kernelCheck(status, "cf_cs_stream_advance", "the confidence sequence after \(t) queries")
    }
}
