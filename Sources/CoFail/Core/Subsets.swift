/// k-subsets of n items: counting, lexicographic ranking and unranking, the next-combination walk,
/// and drawing uniform subsets from a stream of uniforms (partial Fisher–Yates), alone or as a set of
/// distinct subsets. Scan and vote both use these, so a subset index means the same in both.
public enum Subsets {
    /// C(n, k) exactly, or `Int.max` when it does not fit an Int; 0 outside 0 ≤ k ≤ n.
    public static func binomial(_ n: Int, _ k: Int) -> Int {
        if k < 0 || k > n {
            return 0
        }
        var c = 1
        for i in 0..<min(k, n - k) {
            // c·(n − i) is divisible by i + 1 (a product of i + 1 consecutive integers over (i + 1)!)
            let (p, overflow) = c.multipliedReportingOverflow(by: n - i)
            if overflow {
                return Int.max
            }
            c = p / (i + 1)
        }
        return c
    }

    /// min(C(n, k), cap) without overflow: the running product over the smaller side only grows,
    /// so it stops at the cap.
    public static func count(n: Int, k: Int, cap: Int) -> Int {
        var c = 1.0
        let t = min(k, n - k)
        for j in 0..<t {
            c = c * Double(n - j) / Double(j + 1)
            if c > Double(cap) {
                return cap
            }
        }
        return min(cap, Int(c.rounded()))
    }

    /// Ranking of the k-subsets of n items in lexicographic order (combinatorial number system),
    /// with the binomial table it needs computed once.
    public struct Ranking: Sendable {
        public let n: Int
        public let k: Int
        /// C(a, b) for a ≤ n, b ≤ k.
        let table: [[Int]]

        public init(n: Int, k: Int) {
            self.n = n
            self.k = k
            table = (0...n).map { a in (0...k).map { b in Subsets.binomial(a, b) } }
        }

        /// The number of subsets, C(n, k).
        public var total: Int { table[n][k] }

        /// The members (ascending) of the subset of lexicographic rank `rank`.
        public func unrank(_ rank: Int) -> [Int] {
            Subsets.unrank(rank, n: n, k: k) { table[$0][$1] }
        }

        /// The lexicographic rank of ascending members.
        public func rank(_ members: [Int]) -> Int {
            var r = 0
            var start = 0
            for (pos, v) in members.enumerated() {
                for w in start..<v {
                    r += table[n - w - 1][k - pos - 1]
                }
                start = v + 1
            }
            return r
        }
    }

    /// The members (ascending) of the subset of lexicographic rank `rank`, without a table (each
    /// step computes its binomial: for one-off unranking).
    public static func unrank(_ rank: Int, n: Int, k: Int) -> [Int] {
        unrank(rank, n: n, k: k, binomial: binomial)
    }

    /// Unranking in the combinatorial number system: position by position, the smallest member v
    /// whose count of completions C(n − v − 1, k − pos − 1) exceeds what is left of the rank.
    @inline(__always)
    static func unrank(_ rank: Int, n: Int, k: Int, binomial: (Int, Int) -> Int) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(k)
        var rest = rank
        var start = 0
        for pos in 0..<k {
            var v = start
            while v < n {
                let below = binomial(n - v - 1, k - pos - 1)
                if rest < below {
                    break
                }
                rest -= below
                v += 1
            }
            out.append(v)
            start = v + 1
        }
        return out
    }

    /// Steps ascending members to the next subset in lexicographic order; false after the last.
    public static func next(_ c: inout [Int], n: Int) -> Bool {
        let k = c.count
        var i = k - 1
        while i >= 0 && c[i] == n - k + i {
            i -= 1
        }
        if i < 0 {
            return false
        }
        c[i] += 1
        for j in (i + 1)..<k {
            c[j] = c[j - 1] + 1
        }
        return true
    }

    /// A uniform k-subset of n items, ascending: partial Fisher–Yates whose j-th swap takes the
    /// j-th uniform, read in pairs: `uniforms(p)` gives the uniforms 2p and 2p + 1.
    public static func draw(n: Int, k: Int, uniforms: (UInt64) -> (Double, Double)) -> [Int] {
        var perm = Array(0..<n)
        var pair = (0.0, 0.0)
        for j in 0..<k {
            if j % 2 == 0 {
                pair = uniforms(UInt64(j / 2))
            }
            let r = j + Int((j % 2 == 0 ? pair.0 : pair.1) * Double(n - j))
            perm.swapAt(j, r)
        }
        return Array(perm[0..<k]).sorted()
    }

    /// `count` distinct k-subsets, members of subset u at u·k ..< (u + 1)·k: subset u is
    /// `draw(u, 0)`, and a duplicate of an earlier subset is redrawn as `draw(u, 1)`, `draw(u, 2)`,
    /// … (streams of the same unit), so the set is the same however it is computed. `stop` is asked
    /// every 4,096 units and ends the draw (nil) when it says so.
    public static func distinct(
        k: Int, count: Int, draw: (_ unit: Int, _ stream: UInt64) -> [Int], stop: () -> Bool
    ) -> [Int]? {
        var seen = Set<[Int]>()
        var out: [Int] = []
        out.reserveCapacity(count * k)
        for u in 0..<count {
            if u % 4096 == 0, stop() {
                return nil
            }
            var stream: UInt64 = 0
            while true {
                let members = draw(u, stream)
                stream += 1
                if seen.insert(members).inserted {
                    out.append(contentsOf: members)
                    break
                }
            }
        }
        return out
    }
}
