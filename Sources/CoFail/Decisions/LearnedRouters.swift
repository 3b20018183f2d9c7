import Foundation

/// The learners of METHODS §16.4.
public enum RouterLearner: String, Sendable, CaseIterable {
    case knn, logistic, constant
    /// §12's out-of-fold type router (§17.3 item 5), added when the input has types.
    case type
}

public struct LearnedRouterOptions: Sendable {
    /// The learners trained (`type` runs only when the input has types).
    public var learners: [RouterLearner] = [.knn, .logistic, .constant, .type]
    public var folds = 5
    public var seed: UInt64 = 0
    /// Mean $ per query the router may spend (needs costs); nil: λ_c = 0.
    public var budget: Double?
    public var neighbors = 10
    public var l2 = 1.0
    public var hashBuckets = 1 << 18
    public var overhead = 0.01
    public var alpha = 0.05
    /// Threads over (fold, model) fits; the result does not depend on it.
    public var threads = 1

    public init() {}
}

/// Routers learned out-of-fold from the query text or features (METHODS §16): each learner
/// predicts p̂[q, i] = P(model i right on q) on queries it was not trained on, routes by
/// argmax_i p̂ − λ_c·c̄_i, and is scored by §14.2 and by the paired comparison with the baseline.
public struct LearnedRouters: Sendable {
    public struct FoldChoice: Sendable {
        /// λ_c (0 without a budget); nil when even the cheapest model exceeds the budget.
        public var lambda: Double?
        public var trainCost: Double?
        public var budgetMet: Bool
    }

    public struct Result: Sendable {
        public var learner: RouterLearner
        /// The model routed to, per kept query (pooled out-of-fold).
        public var routes: [Int]
        public var evaluation: RouterEvaluation
        public var meetsBudget: Bool
        public var paired: PairedComparison
        public var meanAUC: Quantity
        public var aucSkippedModels: [String]
        public var meanBrier: Double
        public var routedShare: [Double]
        public var folds: [FoldChoice]
        /// Out-of-fold p̂, q·m + i.
        public var predictions: [Double]
    }

    public let options: LearnedRouterOptions
    /// "text" (with hash buckets) or "numeric" (with dimensions).
    public let featureKind: String
    public let dimensions: Int
    public let hasCosts: Bool
    /// "single_best" or "best_mixture".
    public let baseline: String
    public let baselineAccuracy: Double
    public let results: [Result]
    public let modelNames: [String]

    /// - Parameters: `data` carries costs when `hasCosts` (else zeros); `frontiers` are §12's,
    ///   for the §14.2 frontier values (empty without costs).
    public init(
        _ data: RouteData, hasCosts: Bool, signals: RouterSignals, frontiers: [RouteFrontier],
        options o: LearnedRouterOptions
    ) throws {
        let n = data.n
        let m = data.m
        guard o.folds >= 2, o.folds <= n else {
            throw CoFailError.invalid("folds", o.folds, "lie in 2...\(n) (the number of kept queries)")
        }
        if o.budget != nil && !hasCosts {
            throw CoFailError.invalid("budget", o.budget!, "come with costs (a cost per cell or --model-costs)")
        }
        if let b = o.budget, !(b >= 0 && b.isFinite) {
            throw CoFailError.invalid("budget", b, "be a non-negative number")
        }
        guard o.neighbors >= 1 else {
            throw CoFailError.invalid("neighbors", o.neighbors, "be at least 1")
        }
        guard o.l2 > 0, o.l2.isFinite else {
            throw CoFailError.invalid("l2", o.l2, "be a positive number")
        }
        guard o.hashBuckets >= 1, o.hashBuckets <= 1 << 24 else {
            throw CoFailError.invalid("hash_buckets", o.hashBuckets, "lie in 1...\(1 << 24)")
        }
        guard o.threads >= 1 else {
            throw CoFailError.invalid("threads", o.threads, "be at least 1")
        }
        options = o
        self.hasCosts = hasCosts
        modelNames = data.matrix.modelNames
        let y = LearnedRouters.correctness(data.matrix)
        let fold = HeldOutFolds.assign(data.matrix.queryIDs, folds: o.folds, seed: o.seed)
        let rowsOf: (Int) -> FoldRows
        switch signals {
        case .texts(let texts):
            featureKind = "text"
            dimensions = o.hashBuckets
            let tf = texts.map { TextFeatures.termFrequencies($0, buckets: o.hashBuckets) }
            rowsOf = { f in FoldRows.text(tf, fold: fold, f: f, buckets: o.hashBuckets) }
        case .features(let rows, let d):
            featureKind = "numeric"
            dimensions = d
            rowsOf = { f in FoldRows.numeric(rows, dimensions: d, fold: fold, f: f) }
        }
        let foldRows = (0..<o.folds).map(rowsOf)
        let wantTrain = o.budget != nil

        // Predictions per learner: out-of-fold for the test queries, in-sample for λ_c.
        var predictions: [RouterLearner: (oof: [Double], train: [[Double]])] = [:]
        for learner in o.learners where learner != .type {
            var oof = [Double](repeating: 0, count: n * m)
            var train: [[Double]] = []
            let units = learner == .logistic ? o.folds * m : o.folds
            let slots = ResultSlots<(test: [Double], train: [Double])>(count: units)
            DispatchQueue.concurrentPerform(iterations: min(o.threads, units)) { worker in
                for u in stride(from: worker, to: units, by: min(o.threads, units)) {
                    slots.store(
                        u,
                        Swift.Result {
                            let f = learner == .logistic ? u / m : u
                            let rows = foldRows[f]
                            switch learner {
                            case .constant, .type:
                                return LearnedRouters.constant(rows, y: y, m: m, wantTrain: wantTrain)
                            case .knn:
                                return LearnedRouters.knn(
                                    rows, y: y, m: m, k: o.neighbors, wantTrain: wantTrain)
                            case .logistic:
                                return try LearnedRouters.logistic(
                                    rows, y: y, model: u % m, m: m, lambda: o.l2, wantTrain: wantTrain)
                            }
                        })
                }
            }
            for f in 0..<o.folds {
                let rows = foldRows[f]
                var tr = [Double](repeating: 0, count: wantTrain ? rows.train.count * m : 0)
                let parts = learner == .logistic ? Array(f * m..<(f + 1) * m) : [f]
                for (k, u) in parts.enumerated() {
                    let part = try slots.take(u).get()
                    // constant and knn return every model (row-major); logistic one model's column
                    let cols = learner == .logistic ? [k] : Array(0..<m)
                    let width = cols.count
                    for (r, q) in rows.test.enumerated() {
                        for (c, i) in cols.enumerated() {
                            oof[q * m + i] = part.test[r * width + c]
                        }
                    }
                    for r in 0..<(wantTrain ? rows.train.count : 0) {
                        for (c, i) in cols.enumerated() {
                            tr[r * m + i] = part.train[r * width + c]
                        }
                    }
                }
                train.append(tr)
            }
            predictions[learner] = (oof, train)
        }

        // Training mean costs and the baseline per fold.
        var baselineC = [Double](repeating: 0, count: n)
        var meanCosts: [[Double]] = []
        var trainData: [RouteData] = []
        for f in 0..<o.folds {
            let rows = foldRows[f]
            let sub = try data.subset(rows.train)
            trainData.append(sub)
            // c̄ as the plain mean of the training costs: C(λ) <= B at a breakpoint turns on its last bit
            meanCosts.append(
                (0..<m).map { i in
                    rows.train.reduce(0.0) { $0 + data.costs.cost(query: $1, model: i) } / Double(rows.train.count)
                })
            // the single best, or at a budget the best mixture (the cheapest model below every model)
            let mixture = try o.budget.map { try sub.bestMixture(at: $0) }
            let single = sub.bestModel
            for q in rows.test {
                baselineC[q] = mixture?.expectation { Double(y[q * m + $0]) } ?? Double(y[q * m + single])
            }
        }
        baseline = o.budget == nil ? "single_best" : "best_mixture"
        baselineAccuracy = baselineC.reduce(0, +) / Double(n)

        var results: [Result] = []
        let learners = o.learners.filter { $0 != .type || data.types != nil }
        for learner in learners {
            var routes = [Int](repeating: 0, count: n)
            var choices: [FoldChoice] = []
            var oof = [Double](repeating: 0, count: n * m)
            if learner == .type {
                for f in 0..<o.folds {
                    let rows = foldRows[f]
                    let t = try LearnedRouters.typeRouter(data, trainData[f], y: y, train: rows.train, budget: o.budget)
                    for q in rows.test {
                        routes[q] = t.route(q)
                        for i in 0..<m {
                            oof[q * m + i] = t.accuracy(q, i)
                        }
                    }
                    choices.append(FoldChoice(lambda: nil, trainCost: hasCosts ? t.trainCost : nil, budgetMet: t.met))
                }
            }
            let train = predictions[learner]?.train ?? []
            if let p = predictions[learner] {
                oof = p.oof
            }
            for f in 0..<o.folds where learner != .type {
                let rows = foldRows[f]
                let cbar = meanCosts[f]
                var lambda: Double? = 0
                var trainCost: Double?
                var met = true
                if let b = o.budget {
                    let choice = LearnedRouters.chooseLambda(
                        train[f], rows: rows.train.count, m: m, costs: cbar, budget: b)
                    lambda = choice.lambda
                    trainCost = choice.cost
                    met = choice.met
                }
                let cheapest = (0..<m).min { a, b in cbar[a] != cbar[b] ? cbar[a] < cbar[b] : a < b }!
                for q in rows.test {
                    if let l = lambda {
                        routes[q] = LearnedRouters.route(oof, q: q, m: m, cbar, l)
                    } else {
                        routes[q] = cheapest
                    }
                }
                choices.append(FoldChoice(lambda: lambda, trainCost: trainCost, budgetMet: met))
            }
            let evaluation = RouterEvaluation(data, routes: routes, frontiers: frontiers)
            let policyC = (0..<n).map { Double(y[$0 * m + routes[$0]]) }
            let paired = PairedComparison(policy: policyC, baseline: baselineC, alpha: o.alpha, overhead: o.overhead)
            let (auc, skipped) = LearnedRouters.meanAUC(oof, y: y, n: n, m: m)
            var brier = CompensatedSum()
            for k in 0..<(n * m) {
                let d = oof[k] - Double(y[k])
                brier.add(d * d)
            }
            var share = [Double](repeating: 0, count: m)
            for r in routes {
                share[r] += 1 / Double(n)
            }
            results.append(
                Result(
                    learner: learner, routes: routes, evaluation: evaluation,
                    meetsBudget: o.budget.map { evaluation.cost <= $0 } ?? true, paired: paired,
                    meanAUC: auc, aucSkippedModels: skipped.map { data.matrix.modelNames[$0] },
                    meanBrier: brier.value / Double(n * m), routedShare: share, folds: choices, predictions: oof))
        }
        self.results = results
    }

    /// Y[q·m + i] = 1 when model i is right on q.
    static func correctness(_ x: OutcomeMatrix) -> [UInt8] {
        var y = [UInt8](repeating: 0, count: x.n * x.m)
        for q in 0..<x.n {
            for i in 0..<x.m where !x.isError(query: q, model: i) {
                y[q * x.m + i] = 1
            }
        }
        return y
    }

    /// argmax_i p̂[q, i] − λ·c̄_i: scores within 1e-12·max(1, |score|) tie, and ties go to the
    /// cheaper model, then the larger p̂, then input order (METHODS §16.5).
    static func route(_ p: [Double], q: Int, m: Int, _ cbar: [Double], _ lambda: Double) -> Int {
        var best = 0
        var bestScore = p[q * m] - lambda * cbar[0]
        for i in 1..<m {
            let s = p[q * m + i] - lambda * cbar[i]
            let tol = 1e-12 * max(1, abs(s), abs(bestScore))
            if s > bestScore + tol {
                best = i
                bestScore = s
            } else if s >= bestScore - tol {
                let cheaper = cbar[i] < cbar[best]
                let sameCost = cbar[i] == cbar[best]
                if cheaper || (sameCost && p[q * m + i] > p[q * m + best]) {
                    best = i
                    bestScore = s
                }
            }
        }
        return best
    }

    /// λ_c of §16.5 on the in-sample predictions `p` (rows × m): the smallest λ ≥ 0 — 0 or a
    /// breakpoint where two models' scores meet on some query — whose mean routed training cost is
    /// at most the budget; nil (with the cheapest model's cost) when even that exceeds it.
    static func chooseLambda(
        _ p: [Double], rows: Int, m: Int, costs cbar: [Double], budget: Double
    ) -> (
        lambda: Double?, cost: Double, met: Bool
    ) {
        func cost(_ l: Double) -> Double {
            var s = CompensatedSum()
            for r in 0..<rows {
                s.add(cbar[route(p, q: r, m: m, cbar, l)])
            }
            return s.value / Double(rows)
        }
        let c0 = cost(0)
        if c0 <= budget {
            return (0, c0, true)
        }
        // every query's envelope of lines p_i − λ c̄_i over λ ≥ 0, walked towards cheaper models
        var breaks: [Double] = []
        for r in 0..<rows {
            var a = route(p, q: r, m: m, cbar, 0)
            var at = 0.0
            while true {
                var next = Double.infinity
                for b in 0..<m where cbar[b] < cbar[a] {
                    let l = (p[r * m + a] - p[r * m + b]) / (cbar[a] - cbar[b])
                    if l >= at && l < next {
                        next = l
                    }
                }
                guard next.isFinite else {
                    break
                }
                breaks.append(next)
                let moved = route(p, q: r, m: m, cbar, next)
                if cbar[moved] >= cbar[a] {
                    break
                }
                a = moved
                at = next
            }
        }
        breaks = Array(Set(breaks)).sorted()
        guard let last = breaks.last, cost(last) <= budget else {
            return (nil, cbar.min() ?? 0, false)
        }
        var lo = -1
        var hi = breaks.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if cost(breaks[mid]) <= budget {
                hi = mid
            } else {
                lo = mid
            }
        }
        return (breaks[hi], cost(breaks[hi]), true)
    }

    /// Mean over models of the AUC of p̂ for model i's correctness (midranks), skipping models
    /// right or wrong on every query.
    static func meanAUC(_ p: [Double], y: [UInt8], n: Int, m: Int) -> (Quantity, [Int]) {
        var sum = 0.0
        var used = 0
        var skipped: [Int] = []
        for i in 0..<m {
            let v = (0..<n).map { p[$0 * m + i] }
            let pos = (0..<n).filter { y[$0 * m + i] == 1 }.count
            guard pos > 0, pos < n else {
                skipped.append(i)
                continue
            }
            let order = v.indices.sorted { v[$0] < v[$1] }
            let ranks = MidRanks.of(v, ascendingOrder: order)
            var rs = 0.0
            for q in 0..<n where y[q * m + i] == 1 {
                rs += ranks[q]
            }
            let p1 = Double(pos)
            sum += (rs - p1 * (p1 + 1) / 2) / (p1 * Double(n - pos))
            used += 1
        }
        return (used > 0 ? .defined(sum / Double(used)) : .undefined("every model is constant on the data"), skipped)
    }

    // MARK: learners

    /// One fold's type router (METHODS §17.3 item 5): the training folds' §12 `type` frontier's
    /// canonical policy at the budget (without one: at its oracle cost), the one mixing type
    /// rounded to its cheaper model; a type unseen in training goes to the training single best
    /// (the most accurate model within the budget; ties: cheaper, then input order). p̂[q, i] is
    /// model i's training accuracy on q's type (overall for an unseen type).
    struct TypeFold {
        var modelOfType: [String: Int]
        var accuracyOfType: [String: [Double]]
        var fallback: Int
        var overall: [Double]
        var typeName: (Int) -> String
        var trainCost: Double
        var met: Bool

        func route(_ q: Int) -> Int { modelOfType[typeName(q)] ?? fallback }
        func accuracy(_ q: Int, _ i: Int) -> Double { (accuracyOfType[typeName(q)] ?? overall)[i] }
    }

    static func typeRouter(
        _ data: RouteData, _ sub: RouteData, y: [UInt8], train: [Int], budget: Double?
    ) throws
        -> TypeFold
    {
        let types = data.types!
        let m = data.m
        let frontier = try RouteFrontier(sub, partition: .type)
        let b = budget ?? frontier.oracleCost
        let met = b >= frontier.budgetMin
        let policy = frontier.policy(at: max(b, frontier.budgetMin))!
        var modelOfType: [String: Int] = [:]
        for (t, i) in policy.position.enumerated() {
            modelOfType[frontier.typeNames[t]] = Int(i)
        }
        var accuracyOfType: [String: [Double]] = [:]
        var count: [String: Int] = [:]
        var overall = [Double](repeating: 0, count: m)
        for q in train {
            let name = types.names[Int(types.index[q])]
            var a = accuracyOfType[name] ?? [Double](repeating: 0, count: m)
            for i in 0..<m {
                a[i] += Double(y[q * m + i])
                overall[i] += Double(y[q * m + i])
            }
            accuracyOfType[name] = a
            count[name, default: 0] += 1
        }
        for (name, c) in count {
            accuracyOfType[name] = accuracyOfType[name]!.map { $0 / Double(c) }
        }
        overall = overall.map { $0 / Double(train.count) }
        let fallback = sub.singleBest(within: budget)
        var cost = CompensatedSum()
        for (r, q) in train.enumerated() {
            cost.add(sub.costs.cost(query: r, model: modelOfType[types.names[Int(types.index[q])]]!))
        }
        return TypeFold(
            modelOfType: modelOfType, accuracyOfType: accuracyOfType, fallback: fallback, overall: overall,
            typeName: { types.names[Int(types.index[$0])] }, trainCost: cost.value / Double(train.count), met: met)
    }

    /// Training accuracy of every model, for the test and (in-sample) training queries.
    static func constant(_ rows: FoldRows, y: [UInt8], m: Int, wantTrain: Bool) -> (test: [Double], train: [Double]) {
        var acc = [Double](repeating: 0, count: m)
        for q in rows.train {
            for i in 0..<m {
                acc[i] += Double(y[q * m + i])
            }
        }
        acc = acc.map { $0 / Double(rows.train.count) }
        let test = Array((0..<rows.test.count).map { _ in acc }.joined())
        let train = wantTrain ? Array((0..<rows.train.count).map { _ in acc }.joined()) : []
        return (test, train)
    }

    /// Mean correctness of the k most cosine-similar training queries (ties: earlier in input
    /// order), by one pass over the training rows' inverted index per predicted row.
    static func knn(_ rows: FoldRows, y: [UInt8], m: Int, k: Int, wantTrain: Bool) -> (test: [Double], train: [Double])
    {
        let train = rows.knnTrain
        let nt = train.count
        // inverted index: for each column, (training row, value)
        var start = [Int](repeating: 0, count: train.columns + 1)
        for c in train.col {
            start[Int(c) + 1] += 1
        }
        for c in 0..<train.columns {
            start[c + 1] += start[c]
        }
        var fill = start
        var postRow = [Int32](repeating: 0, count: train.col.count)
        var postVal = [Double](repeating: 0, count: train.col.count)
        for r in 0..<nt {
            for e in train.row(r) {
                let c = Int(train.col[e])
                postRow[fill[c]] = Int32(r)
                postVal[fill[c]] = train.val[e]
                fill[c] += 1
            }
        }
        var sims = [Double](repeating: 0, count: nt)
        let kk = min(k, nt)
        func predict(_ x: SparseRows, _ r: Int, into out: inout [Double]) {
            for j in 0..<nt {
                sims[j] = 0
            }
            for e in x.row(r) {
                let c = Int(x.col[e])
                let v = x.val[e]
                for t in start[c]..<start[c + 1] {
                    sims[Int(postRow[t])] += v * postVal[t]
                }
            }
            // the kk largest, by (similarity desc, training index asc)
            var best: [Int] = []
            best.reserveCapacity(kk + 1)
            for j in 0..<nt {
                if best.count == kk, sims[j] <= sims[best[kk - 1]] {
                    continue
                }
                var pos = best.count
                while pos > 0, sims[best[pos - 1]] < sims[j] {
                    pos -= 1
                }
                best.insert(j, at: pos)
                if best.count > kk {
                    best.removeLast()
                }
            }
            for i in 0..<m {
                var s = 0
                for j in best {
                    s += Int(y[rows.train[j] * m + i])
                }
                out.append(Double(s) / Double(kk))
            }
        }
        var test: [Double] = []
        test.reserveCapacity(rows.test.count * m)
        for r in 0..<rows.test.count {
            predict(rows.knnTest, r, into: &test)
        }
        var inSample: [Double] = []
        if wantTrain {
            for r in 0..<nt {
                predict(train, r, into: &inSample)
            }
        }
        return (test, inSample)
    }

    /// Model `model`'s L2-logistic fit on the training rows; a model right (or wrong) on every
    /// training query predicts that constant.
    static func logistic(
        _ rows: FoldRows, y: [UInt8], model i: Int, m: Int, lambda: Double, wantTrain: Bool
    ) throws
        -> (test: [Double], train: [Double])
    {
        let yt = rows.train.map { y[$0 * m + i] }
        let ones = yt.reduce(0) { $0 + Int($1) }
        if ones == 0 || ones == yt.count {
            let c = ones == 0 ? 0.0 : 1.0
            return (
                Array(repeating: c, count: rows.test.count), wantTrain ? Array(repeating: c, count: yt.count) : []
            )
        }
        let fit = try LogisticKernel.fit(rows.logisticTrain, yt, lambda: lambda)
        func p(_ x: SparseRows, _ r: Int) -> Double {
            var z = fit.intercept
            for e in x.row(r) {
                z += x.val[e] * fit.weights[Int(x.col[e])]
            }
            return z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
        }
        let test = (0..<rows.test.count).map { p(rows.logisticTest, $0) }
        let train = wantTrain ? (0..<yt.count).map { p(rows.logisticTrain, $0) } : []
        return (test, train)
    }
}

/// One fold's feature rows: training and test queries (ascending input order) and their rows in
/// the training columns, for kNN (unit rows) and for the logistic fits.
struct FoldRows: Sendable {
    var train: [Int]
    var test: [Int]
    var knnTrain: SparseRows
    var knnTest: SparseRows
    var logisticTrain: SparseRows
    var logisticTest: SparseRows

    /// TF-IDF with idf from the training queries: a row is tf·idf over all its buckets divided by
    /// its norm; columns are the buckets seen in training (an unseen bucket counts in the norm
    /// only). The same unit rows serve kNN and the logistic fits.
    static func text(_ tf: [[(bucket: Int32, tf: Double)]], fold: [Int], f: Int, buckets: Int) -> FoldRows {
        let train = fold.indices.filter { fold[$0] != f }
        let test = fold.indices.filter { fold[$0] == f }
        var df = [Int32](repeating: 0, count: buckets)
        for q in train {
            for e in tf[q] {
                df[Int(e.bucket)] += 1
            }
        }
        var column = [Int32](repeating: -1, count: buckets)
        var next: Int32 = 0
        for j in 0..<buckets where df[j] > 0 {
            column[j] = next
            next += 1
        }
        let nTrain = Double(train.count)
        func rows(_ qs: [Int]) -> SparseRows {
            var out = SparseRows(columns: Int(next))
            for q in qs {
                let v = tf[q].map { $0.tf * (log((1 + nTrain) / (1 + Double(df[Int($0.bucket)]))) + 1) }
                let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                var entries: [(Int32, Double)] = []
                for (e, x) in zip(tf[q], v) where column[Int(e.bucket)] >= 0 {
                    entries.append((column[Int(e.bucket)], x / norm))
                }
                out.append(entries)
            }
            return out
        }
        let tr = rows(train)
        let te = rows(test)
        return FoldRows(train: train, test: test, knnTrain: tr, knnTest: te, logisticTrain: tr, logisticTest: te)
    }

    /// Numeric features standardised per column on the training queries (ddof 0; a constant
    /// column becomes 0): as given for the logistic fits, L2-normalised for kNN.
    static func numeric(_ x: [[Double]], dimensions d: Int, fold: [Int], f: Int) -> FoldRows {
        let train = fold.indices.filter { fold[$0] != f }
        let test = fold.indices.filter { fold[$0] == f }
        var mean = [Double](repeating: 0, count: d)
        var sd = [Double](repeating: 0, count: d)
        for j in 0..<d {
            var s = CompensatedSum()
            for q in train {
                s.add(x[q][j])
            }
            mean[j] = s.value / Double(train.count)
            var ss = CompensatedSum()
            for q in train {
                ss.add((x[q][j] - mean[j]) * (x[q][j] - mean[j]))
            }
            sd[j] = (ss.value / Double(train.count)).squareRoot()
        }
        func rows(_ qs: [Int], unit: Bool) -> SparseRows {
            var out = SparseRows(columns: d)
            for q in qs {
                var z = (0..<d).map { j in sd[j] > 0 ? (x[q][j] - mean[j]) / sd[j] : 0 }
                if unit {
                    let norm = z.reduce(0) { $0 + $1 * $1 }.squareRoot()
                    z = norm > 0 ? z.map { $0 / norm } : z
                }
                out.append((0..<d).compactMap { j in z[j] != 0 ? (Int32(j), z[j]) : nil })
            }
            return out
        }
        return FoldRows(
            train: train, test: test, knnTrain: rows(train, unit: true), knnTest: rows(test, unit: true),
            logisticTrain: rows(train, unit: false), logisticTest: rows(test, unit: false))
    }
}

extension RouteData {
    /// The same data on the queries `rows` (in that order).
    func subset(_ rows: [Int]) throws -> RouteData {
        let x = matrix.selecting(rows)
        var values: [Double] = []
        values.reserveCapacity(rows.count * m)
        for i in 0..<m {
            for q in rows {
                values.append(costs.cost(query: q, model: i))
            }
        }
        // only the types present in `rows`, in first-seen order
        let t = types.map { ty -> QueryTypes in
            var names: [String] = []
            var number: [Int32: Int32] = [:]
            var index: [Int32] = []
            for q in rows {
                let k = ty.index[q]
                if number[k] == nil {
                    number[k] = Int32(names.count)
                    names.append(ty.names[Int(k)])
                }
                index.append(number[k]!)
            }
            return QueryTypes(names: names, index: index)
        }
        return try RouteData(matrix: x, costs: CellCosts(n: rows.count, m: m, values: values), types: t)
    }
}
