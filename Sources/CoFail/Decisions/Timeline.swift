import Foundation

/// The release timeline of METHODS §19 (paper App. E): for every distinct release date d, the pool
/// of models released on or before d, its best model, co-failure ceiling and dollars per correct
/// answer, and what access to the whole pool gains over committing to the best model of a date d₀.
/// Coverage is applied once over all models, so every date uses the same queries.
public struct ReleaseTimeline: Sendable {
    public struct Row: Sendable {
        public let date: String
        public let newModels: [String]
        public let models: [String]
        public let bestModel: String
        public let bestAccuracy: Double
        public let kAllWrong: Int
        public let beta: Double
        public let betaCILo: Double
        public let betaCIHi: Double
        public let oracleAccuracy: Double
        public let oracleGain: Double
        /// min over the pool of mean cost / accuracy.
        public let bestSingleCostPerCorrect: Quantity
        /// §12.6's least dollars per correct of the pool's per-query (`query`) frontier.
        public let oracleMinCostPerCorrect: Quantity
        /// A*(d) − A*(d₀).
        public let optionValue: Double
    }

    public let commitDate: String
    public let commitBestAccuracy: Double
    public let alpha: Double
    public let n: Int
    public let rows: [Row]

    /// First date's best single dollars per correct over the last date's.
    public var costPerCorrectFall: Quantity {
        ReleaseTimeline.fall(rows.first!.bestSingleCostPerCorrect, rows.last!.bestSingleCostPerCorrect)
    }
    public var oracleCostPerCorrectFall: Quantity {
        ReleaseTimeline.fall(rows.first!.oracleMinCostPerCorrect, rows.last!.oracleMinCostPerCorrect)
    }

    static func fall(_ first: Quantity, _ last: Quantity) -> Quantity {
        guard let a = first.value, let b = last.value else {
            return .undefined("dollars per correct is undefined on the first or the last date")
        }
        return b > 0 ? .defined(a / b) : .undefined("the last date's dollars per correct is 0")
    }

    /// - Parameters: `released` holds each model's ISO release date (YYYY-MM-DD); `commitDate`
    ///   defaults to the first date.
    /// - Throws: `CoFailError.invalidParameter` for a commit date before every release or a bad
    ///   date; kernel errors of the Clopper–Pearson interval.
    public init(_ data: RouteData, released: [String], commitDate: String?, alpha: Double) throws {
        precondition(released.count == data.m)
        guard alpha >= 1e-10, alpha < 1 else {
            throw CoFailError.invalid("alpha", alpha, "lie in [1e-10, 1)")
        }
        let n = data.n
        let m = data.m
        let names = data.matrix.modelNames
        let dates = Array(Set(released)).sorted()
        let commit = commitDate ?? dates[0]
        guard ReleaseDate.isValid(commit) else {
            throw CoFailError.invalid("commit_date", commit, "be a date YYYY-MM-DD")
        }
        let atCommit = (0..<m).filter { released[$0] <= commit }
        guard !atCommit.isEmpty else {
            throw CoFailError.invalid("commit_date", commit, "fall on or after the first release (\(dates[0]))")
        }
        commitBestAccuracy = data.accuracy(atCommit.min(by: data.ranksAbove)!)
        self.commitDate = commit
        self.alpha = alpha
        self.n = n
        let w = data.matrix.words
        let e = data.matrix.errors
        var allWrong = [UInt64](repeating: ~0, count: w)
        if n % 64 != 0 {
            allWrong[w - 1] = (UInt64(1) << UInt64(n % 64)) - 1
        }
        var hulls = [QueryHull](repeating: QueryHull(), count: n)
        var pool: [Int] = []
        var best: Int?
        var perCorrect: Double?
        var rows: [Row] = []
        for d in dates {
            let added = (0..<m).filter { released[$0] == d }
            for i in added {
                pool.append(i)
                for k in 0..<w {
                    allWrong[k] &= e[i * w + k]
                }
                for q in 0..<n {
                    hulls[q].add(
                        model: i, cost: data.costs.cost(query: q, model: i),
                        right: e[i * w + q >> 6] & (UInt64(1) << UInt64(q & 63)) == 0)
                }
                if best == nil || data.ranksAbove(i, best!) {
                    best = i
                }
                if data.accuracy(i) > 0 {
                    let r = data.meanCost(i) / data.accuracy(i)
                    perCorrect = min(perCorrect ?? r, r)
                }
            }
            pool.sort()
            let k = allWrong.reduce(0) { $0 + $1.nonzeroBitCount }
            let (lo, hi) = try ClopperPearson.interval(successes: k, trials: n, alpha: alpha)
            let beta = Double(k) / Double(n)
            let a = data.accuracy(best!)
            // counts keep G exact: 0 when the best model is right wherever any model is
            let gain = Double(n - k - data.correctCount(best!)) / Double(n)
            let frontier = RouteFrontier(queryHulls: hulls, ids: data.matrix.queryIDs, models: m)
            rows.append(
                Row(
                    date: d, newModels: added.map { names[$0] }, models: pool.map { names[$0] },
                    bestModel: names[best!], bestAccuracy: a, kAllWrong: k, beta: beta, betaCILo: lo, betaCIHi: hi,
                    oracleAccuracy: Double(n - k) / Double(n), oracleGain: gain,
                    bestSingleCostPerCorrect: perCorrect.map { .defined($0) }
                        ?? .undefined("every model of the pool is wrong on every query"),
                    oracleMinCostPerCorrect: frontier.minCostPerCorrect.value, optionValue: a - commitBestAccuracy))
        }
        self.rows = rows
    }
}
