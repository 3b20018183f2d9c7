import Foundation

/// Options of `cofail decide` (METHODS §17.2).
public struct DecideOptions: Sendable {
    /// Mean $ per query the deployed policy may spend (needs costs); nil: no budget.
    public var budget: Double?
    public var overhead = 0.01
    public var folds = 5
    public var seed: UInt64 = 0
    public var alpha = 0.05
    public var delta = 0.05
    /// K: the vote's pool is the K most accurate training models.
    public var votePool = 9
    public var maxVoteSize = 7
    /// The learned routers' settings (METHODS §16.4).
    public var neighbors = 10
    public var l2 = 1.0
    public var hashBuckets = 1 << 18
    /// Threads over the (fold, candidate) units; the result does not depend on it.
    public var threads = 1

    public init() {}
}

/// The candidates of METHODS §17.3, in that order.
public enum DecideCandidate: String, Sendable, CaseIterable {
    case singleBest = "single_best"
    case bestMixture = "best_mixture"
    case cheapestWithinBand = "cheapest_within_band"
    case vote
    case routeType = "route_type"
    case routeKNN = "route_knn"
    case routeLogistic = "route_logistic"
    case cascade
}

/// What `decide` reads: the kept matrix and whichever of costs, types, confidences and router
/// signals the input has (each enables candidates).
public struct DecideInput: Sendable {
    public var matrix: OutcomeMatrix
    public var costs: CellCosts?
    public var types: QueryTypes?
    /// Confidence of each kept cell, `[model][query]`, NaN where missing.
    public var confidences: [[Double]]?
    public var signals: RouterSignals?

    public init(
        matrix: OutcomeMatrix, costs: CellCosts? = nil, types: QueryTypes? = nil, confidences: [[Double]]? = nil,
        signals: RouterSignals? = nil
    ) {
        self.matrix = matrix
        self.costs = costs
        self.types = types
        self.confidences = confidences
        self.signals = signals
    }

    /// The kept part of `raw` (after `coverage`): its types and confidences, with the given costs
    /// and signals.
    public init(
        _ raw: RawMatrix, matrix: OutcomeMatrix, coverage: CoverageReport, costs: CellCosts?, signals: RouterSignals?
    ) {
        let confidences = raw.confidences.map { c in
            coverage.keptModels.map { i in coverage.keptQueries.map { c[i][$0] } }
        }
        self.init(
            matrix: matrix, costs: costs, types: QueryTypes.select(raw, coverage), confidences: confidences,
            signals: signals)
    }
}

/// Which deployable policy to build at a budget, judged on held-out queries (METHODS §17): every
/// candidate is chosen on the training folds of §13.7's split and applied to the test fold; the
/// pooled out-of-fold vectors are compared with the baseline's, placed under the certified
/// ceiling, and one recommendation is made.
public struct Decide: Sendable {
    /// What a candidate chose on one fold's training queries.
    public struct Choice: Sendable {
        /// The model; a mixture's two models; the vote's members; the cascade's (S, L); the models
        /// the type router uses; empty for learned routers.
        public var models: [Int] = []
        /// A mixture's weight on its second model.
        public var weight: Double?
        /// The cascade escalates s < threshold; nil escalates everything.
        public var threshold: Double?
        /// Type router: the model of each training type (first-seen order).
        public var typeModels: [(type: String, model: Int)]?
        /// Learned routers: λ_c (nil when even the cheapest model exceeds the budget).
        public var lambda: Double?
        public var trainAccuracy: Double?
        /// Mean $ per query on the training queries (nil without costs).
        public var trainCost: Double?
        public var budgetMet = true
    }

    public struct Outcome: Sendable {
        public let candidate: DecideCandidate
        /// Nil when the candidate could be formed.
        public let unavailableReason: String?
        /// Out-of-fold correctness (an expectation for a mixture) and cost per kept query.
        public let correct: [Double]
        public let cost: [Double]?
        public let accuracy: Double
        public let meanCost: Double?
        public let costPerCorrect: Quantity
        public let paired: PairedComparison?
        public let capturedShare: Quantity
        public let meetsBudget: Bool
        public let choices: [Choice]
        /// Cascade: models with confidences that lack one on some kept query.
        public let ineligibleCheapModels: [String]

        public var available: Bool { unavailableReason == nil }
    }

    public let options: DecideOptions
    public let n: Int
    public let m: Int
    public let modelNames: [String]
    public let hasCosts: Bool
    public let baseline: DecideCandidate
    public let candidates: [Outcome]
    public let certificate: Certificate
    /// The sequential certificate in input order at o (METHODS §15); nil with a reason when o = 0.
    public let sequential: SequentialCertificate?
    public let sequentialReason: String?
    public let frontierValueQuery: Quantity
    /// §12's frontiers on all kept queries (none, type when typed, query), for the chart; empty
    /// without costs.
    public let frontiers: [RouteFrontier]
    public let recommendation: DecideCandidate
    public let reason: String
    public let singleBestAllQueries: Int
    public let bestMixtureAllQueries: ModelMixture?
    /// Mean $ per query of each model on all kept queries (nil without costs).
    public let modelCosts: [Double]?
    public let modelAccuracies: [Double]

    public func outcome(_ c: DecideCandidate) -> Outcome { candidates.first { $0.candidate == c }! }

    /// - Throws: `CoFailError.invalidParameter` for options out of range, a budget without costs,
    ///   folds outside 2...n; loader and kernel errors as they arise.
    public init(_ input: DecideInput, options o: DecideOptions) throws {
        let x = input.matrix
        let n = x.n
        let m = x.m
        guard o.folds >= 2, o.folds <= n else {
            throw CoFailError.invalid("folds", o.folds, "lie in 2...\(n) (the number of kept queries)")
        }
        if let b = o.budget {
            guard input.costs != nil else {
                throw CoFailError.invalid("budget", b, "come with costs (a cost per cell or --model-costs)")
            }
            guard b >= 0, b.isFinite else {
                throw CoFailError.invalid("budget", b, "be a non-negative number")
            }
        }
        guard o.overhead >= 0, o.overhead <= 1 else {
            throw CoFailError.invalid("overhead", o.overhead, "lie in [0, 1]")
        }
        guard o.alpha >= 1e-10, o.alpha < 1 else {
            throw CoFailError.invalid("alpha", o.alpha, "lie in [1e-10, 1)")
        }
        guard o.votePool >= 3 else {
            throw CoFailError.invalid("vote_pool", o.votePool, "be at least 3")
        }
        guard o.maxVoteSize >= 3 else {
            throw CoFailError.invalid("max_vote_size", o.maxVoteSize, "be at least 3")
        }
        guard o.threads >= 1 else {
            throw CoFailError.invalid("threads", o.threads, "be at least 1")
        }
        let hasCosts = input.costs != nil
        let zero = CellCosts(n: n, m: m, values: Array(repeating: 0, count: n * m))
        let data = try RouteData(matrix: x, costs: input.costs ?? zero, types: input.types)
        let y = LearnedRouters.correctness(x)
        let fold = HeldOutFolds.assign(x.queryIDs, folds: o.folds, seed: o.seed)
        let trains = (0..<o.folds).map { f in (0..<n).filter { fold[$0] != f } }
        let tests = (0..<o.folds).map { f in (0..<n).filter { fold[$0] == f } }
        let subs = try ResultSlots<RouteData>.map(o.folds, threads: o.threads) { try data.subset(trains[$0]) }
        let ctx = FoldContext(
            data: data, y: y, trains: trains, tests: tests, subs: subs, options: o, hasCosts: hasCosts)

        // Candidates 1–5 as (fold, candidate) units; the cascade as (fold, cheap model) units.
        let simple: [DecideCandidate] = [.singleBest, .bestMixture, .cheapestWithinBand, .vote, .routeType]
        var unavailable: [DecideCandidate: String] = [:]
        if m == 1 {
            for c in DecideCandidate.allCases where c != .singleBest && c != .bestMixture {
                unavailable[c] = "one model (\(x.modelNames[0])): nothing to choose between or combine"
            }
        }
        if o.budget == nil {
            unavailable[.bestMixture] = "no budget: the baseline is single_best"
        }
        if !hasCosts, unavailable[.cheapestWithinBand] == nil {
            unavailable[.cheapestWithinBand] = "no costs in the input"
        }
        if input.types == nil, unavailable[.routeType] == nil {
            unavailable[.routeType] = "no types in the input"
        }
        if input.signals == nil {
            for c in [DecideCandidate.routeKNN, .routeLogistic] where unavailable[c] == nil {
                unavailable[c] = "no --texts or --features"
            }
        }
        let kinds = simple.filter { unavailable[$0] == nil }
        let parts = try ResultSlots<FoldPart>.map(kinds.count * o.folds, threads: o.threads) { u in
            try ctx.part(kinds[u / o.folds], fold: u % o.folds)
        }
        var perCandidate: [DecideCandidate: [FoldPart]] = [:]
        for (k, c) in kinds.enumerated() {
            perCandidate[c] = Array(parts[k * o.folds..<(k + 1) * o.folds])
        }

        // The cascade: S needs a confidence on every kept query.
        var ineligible: [String] = []
        if unavailable[.cascade] == nil {
            let conf = input.confidences ?? []
            var cheap: [Int] = []
            for i in conf.indices where conf[i].contains(where: { !$0.isNaN }) {
                if conf[i].contains(where: \.isNaN) {
                    ineligible.append(x.modelNames[i])
                } else {
                    cheap.append(i)
                }
            }
            if input.confidences == nil || (cheap.isEmpty && ineligible.isEmpty) {
                unavailable[.cascade] = "no confidences in the input"
            } else if cheap.isEmpty {
                let names = ineligible.joined(separator: ", ")
                unavailable[.cascade] = "no model has a confidence on every kept query (\(names))"
            } else {
                perCandidate[.cascade] = try ctx.cascade(cheap: cheap, confidences: conf)
            }
        }
        try self.init(
            finishing: ctx, input: input, perCandidate: perCandidate, unavailable: unavailable,
            ineligible: ineligible)
    }

    /// Pools the folds, runs the learned routers, compares every candidate with the baseline and
    /// makes the recommendation.
    private init(
        finishing ctx: FoldContext, input: DecideInput, perCandidate given: [DecideCandidate: [FoldPart]],
        unavailable given2: [DecideCandidate: String], ineligible: [String]
    ) throws {
        let o = ctx.options
        let data = ctx.data
        let x = data.matrix
        let n = x.n
        let m = x.m
        var perCandidate = given
        var unavailable = given2
        options = o
        self.n = n
        self.m = m
        modelNames = x.modelNames
        hasCosts = ctx.hasCosts
        for (c, parts) in perCandidate {
            if let f = parts.firstIndex(where: { $0.unavailable != nil }) {
                unavailable[c] = "fold \(f): " + parts[f].unavailable!
                perCandidate[c] = nil
            }
        }

        // Learned routers reuse `route --texts`'s code on the same folds.
        if let signals = input.signals, unavailable[.routeKNN] == nil {
            var lo = LearnedRouterOptions()
            lo.learners = [.knn, .logistic]
            lo.folds = o.folds
            lo.seed = o.seed
            lo.budget = o.budget
            lo.neighbors = o.neighbors
            lo.l2 = o.l2
            lo.hashBuckets = o.hashBuckets
            lo.overhead = o.overhead
            lo.alpha = o.alpha
            lo.threads = o.threads
            let l = try LearnedRouters(data, hasCosts: ctx.hasCosts, signals: signals, frontiers: [], options: lo)
            for r in l.results {
                let c: DecideCandidate = r.learner == .knn ? .routeKNN : .routeLogistic
                perCandidate[c] = (0..<o.folds).map { f in
                    var choice = Choice()
                    choice.lambda = r.folds[f].lambda
                    choice.trainCost = r.folds[f].trainCost
                    choice.budgetMet = r.folds[f].budgetMet
                    return ctx.applied(f, choice) { q in r.routes[q] }
                }
            }
        }

        let cert = try Certificate(x, options: CertificateOptions(alpha: o.alpha, delta: o.delta, overhead: o.overhead))
        certificate = cert
        baseline = o.budget == nil ? .singleBest : .bestMixture
        let baseParts = perCandidate[baseline]!
        let baseC = Decide.pooled(baseParts, tests: ctx.tests, n: n) { $0.correct }
        var outcomes: [Outcome] = []
        for c in DecideCandidate.allCases {
            guard let parts = perCandidate[c] else {
                outcomes.append(
                    Outcome(
                        candidate: c, unavailableReason: unavailable[c] ?? "not formed", correct: [], cost: nil,
                        accuracy: .nan, meanCost: nil, costPerCorrect: .undefined("unavailable"), paired: nil,
                        capturedShare: .undefined("unavailable"), meetsBudget: false, choices: [],
                        ineligibleCheapModels: c == .cascade ? ineligible : []))
                continue
            }
            let correct = Decide.pooled(parts, tests: ctx.tests, n: n) { $0.correct }
            let cost = ctx.hasCosts ? Decide.pooled(parts, tests: ctx.tests, n: n) { $0.cost } : nil
            var sum = CompensatedSum()
            correct.forEach { sum.add($0) }
            let accuracy = sum.value / Double(n)
            let meanCost = cost.map { v -> Double in
                var s = CompensatedSum()
                v.forEach { s.add($0) }
                return s.value / Double(n)
            }
            let perCorrect: Quantity =
                meanCost == nil
                ? .undefined("no costs in the input")
                : accuracy > 0 ? .defined(meanCost! / accuracy) : .undefined("held-out accuracy 0")
            let share: Quantity =
                cert.oracleGain > 0
                ? .defined((accuracy - cert.bestAccuracy) / cert.oracleGain)
                : .undefined("G = 0: no model pool gain to capture")
            outcomes.append(
                Outcome(
                    candidate: c, unavailableReason: nil, correct: correct, cost: cost, accuracy: accuracy,
                    meanCost: meanCost, costPerCorrect: perCorrect,
                    paired: PairedComparison(policy: correct, baseline: baseC, alpha: o.alpha, overhead: o.overhead),
                    capturedShare: share, meetsBudget: o.budget.map { b in meanCost.map { $0 <= b } ?? true } ?? true,
                    choices: parts.map(\.choice), ineligibleCheapModels: c == .cascade ? ineligible : []))
        }
        candidates = outcomes

        if o.overhead > 0 && o.overhead < 1 {
            var so = SequentialOptions()
            so.overhead = o.overhead
            so.delta = o.delta
            so.threads = o.threads
            sequential = try SequentialCertificate(x, options: so)
            sequentialReason = nil
        } else {
            sequential = nil
            sequentialReason = "o = \(o.overhead): the sequential certificate needs 0 < o < 1"
        }
        var fronts: [RouteFrontier] = []
        if ctx.hasCosts {
            for p in [RoutePartition.none, .type, .query] where p != .type || data.types != nil {
                fronts.append(try RouteFrontier(data, partition: p))
            }
        }
        frontiers = fronts
        if let b = o.budget, let q = fronts.last {
            frontierValueQuery = q.value(at: b)
        } else {
            frontierValueQuery = .undefined(ctx.hasCosts ? "no budget" : "no costs in the input")
        }
        singleBestAllQueries = data.singleBest(within: o.budget)
        bestMixtureAllQueries = try o.budget.map { try data.bestMixture(at: $0) }
        modelCosts = ctx.hasCosts ? (0..<m).map(data.meanCost) : nil
        modelAccuracies = (0..<m).map(data.accuracy)

        // The recommendation: the most accurate paying candidate within the budget, else the baseline.
        let paying = outcomes.filter { $0.available && $0.meetsBudget && $0.paired?.verdict == .pays }
        var best: Outcome?
        for c in paying {
            guard let b = best else {
                best = c
                continue
            }
            if c.accuracy > b.accuracy || (c.accuracy == b.accuracy && (c.meanCost ?? 0) < (b.meanCost ?? 0)) {
                best = c
            }
        }
        recommendation = best?.candidate ?? baseline
        reason = Decide.reason(
            best, baseline: baseline, options: o, names: x.modelNames, certificate: cert,
            single: singleBestAllQueries, mixture: bestMixtureAllQueries, costs: modelCosts)
    }

    /// The recommended candidate's outcome.
    public var recommended: Outcome { outcome(recommendation) }

    static func pooled(_ parts: [FoldPart], tests: [[Int]], n: Int, _ values: (FoldPart) -> [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: n)
        for (f, p) in parts.enumerated() {
            for (r, q) in tests[f].enumerated() {
                out[q] = values(p)[r]
            }
        }
        return out
    }

    /// One sentence: what to deploy and why (METHODS §17.5).
    static func reason(
        _ best: Outcome?, baseline: DecideCandidate, options o: DecideOptions, names: [String],
        certificate cert: Certificate, single: Int, mixture: ModelMixture?, costs: [Double]?
    ) -> String {
        let oText = "o = \(Decide.short(o.overhead))"
        let deploy: String
        if let mix = mixture {
            if !mix.meetsBudget {
                let c = costs.map { " ($\(Decide.money($0[mix.from]))/query)" } ?? ""
                deploy =
                    "the budget $\(Decide.money(o.budget!))/query is below every model's mean cost: deploy the "
                    + "cheapest model, \(names[mix.from])\(c), which exceeds it"
            } else if mix.weight == 0 {
                deploy = "deploy \(names[mix.from]) alone"
            } else {
                deploy =
                    "deploy the mixture of \(names[mix.from]) (\(Decide.short(1 - mix.weight))) and "
                    + "\(names[mix.to]) (\(Decide.short(mix.weight))) that spends the budget"
            }
        } else {
            deploy = "deploy \(names[single]) alone"
        }
        if names.count == 1 {
            return "one model (\(names[0])): nothing to choose between or combine; \(deploy)"
        }
        if cert.oracleGain == 0 {
            return "G = 0: every query some model answers, \(cert.bestModels[0]) answers too, so no policy can "
                + "beat the single best; \(deploy)"
        }
        if let best, let p = best.paired {
            let versus = baseline == .singleBest ? names[single] : "the best mixture at the budget"
            let lo = p.ciLo.value.map(Decide.short) ?? "—"
            let hi = p.ciHi.value.map(Decide.short) ?? "—"
            let at = best.meanCost.map { " at $\(Decide.money($0))/query" } ?? ""
            return "\(best.candidate.rawValue) gains \(Decide.short(p.gain)) [\(lo), \(hi)] over \(versus)\(at): "
                + "pays at \(oText)"
        }
        let h = "H = \(Decide.short(cert.certifiedHeadroom))"
        if cert.certifiedHeadroom < o.overhead {
            return "the certificate allows at most \(h) < \(oText): no selection policy can pay, not only the ones "
                + "tried; \(deploy)"
        }
        return "no candidate gains more than \(oText); the certificate allows at most \(h): \(deploy)"
    }

    /// Three decimals (accuracy points).
    static func short(_ v: Double) -> String { String(format: "%.3f", v) }

    /// Dollars with four significant digits.
    static func money(_ v: Double) -> String { String(format: "%.4g", v) }
}

/// One candidate on one fold: its choice and the test queries' correctness and cost (in the
/// order of the fold's test queries), or why it cannot be formed there.
struct FoldPart: Sendable {
    var choice = Decide.Choice()
    var correct: [Double] = []
    var cost: [Double] = []
    var unavailable: String?
}

/// What every fold unit reads: the data, the folds and their training data.
struct FoldContext: Sendable {
    let data: RouteData
    let y: [UInt8]
    let trains: [[Int]]
    let tests: [[Int]]
    let subs: [RouteData]
    let options: DecideOptions
    let hasCosts: Bool

    var m: Int { data.m }

    /// The part of a rule that sends each test query of fold f to `route(q)`.
    func applied(_ f: Int, _ choice: Decide.Choice, _ route: (Int) -> Int) -> FoldPart {
        var part = FoldPart(choice: choice)
        for q in tests[f] {
            let i = route(q)
            part.correct.append(Double(y[q * m + i]))
            part.cost.append(data.costs.cost(query: q, model: i))
        }
        return part
    }

    func part(_ c: DecideCandidate, fold f: Int) throws -> FoldPart {
        let sub = subs[f]
        let o = options
        var choice = Decide.Choice()
        switch c {
        case .singleBest:
            let i = sub.singleBest(within: o.budget)
            choice.models = [i]
            choice.trainAccuracy = sub.accuracy(i)
            choice.trainCost = hasCosts ? sub.meanCost(i) : nil
            choice.budgetMet = o.budget.map { sub.meanCost(i) <= $0 } ?? true
            return applied(f, choice) { _ in i }
        case .bestMixture:
            let mix = try sub.bestMixture(at: o.budget!)
            choice.models = mix.models
            choice.weight = mix.weight == 0 ? nil : mix.weight
            choice.trainAccuracy = mix.expectation(sub.accuracy)
            choice.trainCost = mix.expectation(sub.meanCost)
            choice.budgetMet = mix.meetsBudget
            var part = FoldPart(choice: choice)
            for q in tests[f] {
                part.correct.append(mix.expectation { Double(y[q * m + $0]) })
                part.cost.append(mix.expectation { data.costs.cost(query: q, model: $0) })
            }
            return part
        case .cheapestWithinBand:
            // counts keep the band's edge exact: k_top − k_i ≤ o·n_train
            let nt = Double(sub.n)
            let top = (0..<m).map(sub.correctCount).max()!
            let band = (0..<m).filter { Double(top - sub.correctCount($0)) <= o.overhead * nt * (1 + 1e-12) }
            let i = band.min { a, b in
                let (ca, cb) = (sub.meanCost(a), sub.meanCost(b))
                return ca != cb ? ca < cb : sub.correctCount(a) > sub.correctCount(b)
            }!
            choice.models = [i]
            choice.trainAccuracy = sub.accuracy(i)
            choice.trainCost = sub.meanCost(i)
            choice.budgetMet = o.budget.map { sub.meanCost(i) <= $0 } ?? true
            return applied(f, choice) { _ in i }
        case .vote:
            return try vote(fold: f)
        case .routeType:
            let t = try LearnedRouters.typeRouter(data, sub, y: y, train: trains[f], budget: o.budget)
            let names = sub.types!.names
            choice.typeModels = names.map { ($0, t.modelOfType[$0]!) }
            var used: [Int] = []
            for (_, i) in choice.typeModels! where !used.contains(i) {
                used.append(i)
            }
            choice.models = used.sorted()
            choice.trainCost = hasCosts ? t.trainCost : nil
            choice.budgetMet = t.met
            var right = 0
            for q in trains[f] where y[q * m + t.route(q)] == 1 {
                right += 1
            }
            choice.trainAccuracy = Double(right) / Double(trains[f].count)
            return applied(f, choice) { t.route($0) }
        case .routeKNN, .routeLogistic, .cascade:
            preconditionFailure("\(c.rawValue) is not a per-fold unit")
        }
    }

    /// The vote (§17.3 item 4): the K most accurate training models; every odd subset of 3…min(K,
    /// max size) members within the budget; the best training strict-majority accuracy (ties:
    /// smaller, cheaper, then lexicographic member indices). Counts by the vote command's kernel.
    func vote(fold f: Int) throws -> FoldPart {
        let sub = subs[f]
        let o = options
        let pool = Array((0..<m).sorted(by: sub.ranksAbove).prefix(o.votePool)).sorted()
        guard pool.count >= 3 else {
            return FoldPart(unavailable: "fewer than 3 models: no majority vote")
        }
        let bits = VoteEngine.correctBits(sub.matrix)
        var best: (count: Int64, size: Int, cost: Double, members: [Int])?
        var size = 3
        while size <= min(pool.count, o.maxVoteSize) {
            var members: [Int] = []
            var costs: [Double] = []
            var subset = Array(0..<size)
            while true {
                let chosen = subset.map { pool[$0] }
                var c = 0.0
                for i in chosen {
                    c += sub.meanCost(i)
                }
                if o.budget.map({ c <= $0 }) ?? true {
                    members += chosen
                    costs.append(c)
                }
                guard Subsets.next(&subset, n: pool.count) else {
                    break
                }
            }
            if !costs.isEmpty {
                let counts = try VoteKernel.counts(bits, words: sub.matrix.words, members: members, k: size)
                for s in costs.indices {
                    let right = counts[4 * s]
                    if best == nil || right > best!.count
                        || (right == best!.count && size == best!.size
                            && costs[s] < best!.cost)
                    {
                        best = (right, size, costs[s], Array(members[s * size..<(s + 1) * size]))
                    }
                }
            }
            size += 2
        }
        guard let best else {
            return FoldPart(
                unavailable: "no odd subset of the \(pool.count) most accurate training models costs at most the "
                    + "budget $\(Decide.money(o.budget!))/query")
        }
        var choice = Decide.Choice()
        choice.models = best.members
        choice.trainAccuracy = Double(best.count) / Double(sub.n)
        choice.trainCost = hasCosts ? best.cost : nil
        var part = FoldPart(choice: choice)
        let need = best.size / 2 + 1
        for q in tests[f] {
            var right = 0
            var cost = 0.0
            for i in best.members {
                right += Int(y[q * m + i])
                cost += data.costs.cost(query: q, model: i)
            }
            part.correct.append(right >= need ? 1 : 0)
            part.cost.append(cost)
        }
        return part
    }

    /// The cascade (§17.3 item 7): per fold, over ordered pairs (S, L) with S in `cheap`, the
    /// pair and §13.3 operating point with the highest training accuracy within the budget (ties:
    /// cheaper, smaller escalation, then S's and L's input order); τ applied to the test fold.
    func cascade(cheap: [Int], confidences conf: [[Double]]) throws -> [FoldPart] {
        typealias Best = CascadeChoice
        let o = options
        let folds = trains.count
        let orders = try ResultSlots<[Int]>.map(cheap.count, threads: o.threads) {
            try Ordering.ascending(conf[cheap[$0]])
        }
        let units = try ResultSlots<Best?>.map(folds * cheap.count, threads: o.threads) { u in
            let f = u / cheap.count
            let s = cheap[u % cheap.count]
            let inTrain = Set(trains[f])
            let rows = orders[u % cheap.count].filter { inTrain.contains($0) }
            let sample = CascadeSample(
                confidence: rows.map { conf[s][$0] }, cheapRight: rows.map { y[$0 * m + s] == 1 },
                strongRight: [], cheapCost: hasCosts ? rows.map { data.costs.cost(query: $0, model: s) } : nil,
                strongCost: nil)
            let identity = Array(0..<rows.count)
            var best: Best?
            for l in 0..<m where l != s {
                var pair = sample
                pair.strongRight = rows.map { y[$0 * m + l] == 1 }
                pair.strongCost = hasCosts ? rows.map { data.costs.cost(query: $0, model: l) } : nil
                let curve = CascadeCurve(pair, order: identity)
                for j in 0..<curve.pointCount {
                    let cost = curve.cost?[j] ?? 0
                    if let b = o.budget, cost > b {
                        continue
                    }
                    let right = curve.cheapRightTotal - curve.cheapRightEscalated[j] + curve.strongRightEscalated[j]
                    let c = Best(
                        right: right, cost: cost, escalated: curve.escalated[j], cheap: s, strong: l,
                        threshold: curve.threshold(j))
                    if best == nil || c.isBetter(than: best!) {
                        best = c
                    }
                }
            }
            return best
        }
        return (0..<folds).map { f in
            var best: Best?
            for k in cheap.indices {
                if let c = units[f * cheap.count + k], best == nil || c.isBetter(than: best!) {
                    best = c
                }
            }
            guard let best else {
                return FoldPart(
                    unavailable: "no cascade operating point costs at most the budget "
                        + "$\(Decide.money(o.budget ?? 0))/query on the training queries")
            }
            var choice = Decide.Choice()
            choice.models = [best.cheap, best.strong]
            choice.threshold = best.threshold
            choice.trainAccuracy = Double(best.right) / Double(trains[f].count)
            choice.trainCost = hasCosts ? best.cost : nil
            var part = FoldPart(choice: choice)
            for q in tests[f] {
                let up = best.threshold.map { conf[best.cheap][q] < $0 } ?? true
                let i = up ? best.strong : best.cheap
                part.correct.append(Double(y[q * m + i]))
                part.cost.append(
                    data.costs.cost(query: q, model: best.cheap)
                        + (up ? data.costs.cost(query: q, model: best.strong) : 0))
            }
            return part
        }
    }
}

/// One cascade operating point on a fold's training queries, ordered by §17.3 item 7.
struct CascadeChoice: Sendable {
    var right: Int
    var cost: Double
    var escalated: Int
    var cheap: Int
    var strong: Int
    var threshold: Double?

    /// More training right answers; ties: cheaper, smaller escalation, then S's and L's input order.
    func isBetter(than b: CascadeChoice) -> Bool {
        if right != b.right {
            return right > b.right
        }
        if cost != b.cost {
            return cost < b.cost
        }
        if escalated != b.escalated {
            return escalated < b.escalated
        }
        return cheap != b.cheap ? cheap < b.cheap : strong < b.strong
    }
}
