/// One cascade sample: per query the cheap model's confidence, both models' correctness and,
/// when the input has costs, both models' costs (METHODS §13.3).
public struct CascadeSample: Sendable {
    public internal(set) var confidence: [Double]
    public internal(set) var cheapRight: [Bool]
    public internal(set) var strongRight: [Bool]
    public internal(set) var cheapCost: [Double]?
    public internal(set) var strongCost: [Double]?

    public init(
        confidence: [Double], cheapRight: [Bool], strongRight: [Bool], cheapCost: [Double]? = nil,
        strongCost: [Double]? = nil
    ) {
        self.confidence = confidence
        self.cheapRight = cheapRight
        self.strongRight = strongRight
        self.cheapCost = cheapCost
        self.strongCost = strongCost
    }

    public var n: Int { confidence.count }
    public var hasCosts: Bool { cheapCost != nil }

    /// The queries at `indices`, in that order.
    public func subset(_ indices: [Int]) -> CascadeSample {
        CascadeSample(
            confidence: indices.map { confidence[$0] }, cheapRight: indices.map { cheapRight[$0] },
            strongRight: indices.map { strongRight[$0] }, cheapCost: cheapCost.map { c in indices.map { c[$0] } },
            strongCost: strongCost.map { c in indices.map { c[$0] } })
    }

    /// The same sample scored by other confidences.
    public func rescored(_ scores: [Double]) -> CascadeSample {
        var s = self
        s.confidence = scores
        return s
    }

    /// Rank-scaled confidence `(midrank − ½)/n` (§13.8), ties sharing their midrank.
    public func rankScaled() throws -> [Double] {
        let ranks = MidRanks.of(confidence, ascendingOrder: try Ordering.ascending(confidence))
        return ranks.map { ($0 - 0.5) / Double(n) }
    }
}

/// The deterministic operating points of a confidence cascade and everything computed from
/// them (METHODS §13.3–§13.5): one sort of the confidences, then prefix counts in sorted order.
/// Counts are integers, so accuracies are exact `count/n`.
public struct CascadeCurve: Sendable {
    public let n: Int
    /// Distinct confidence values, ascending (`v_1 < … < v_K`).
    public let levels: [Double]
    /// Per point j = 0…K: queries escalated (the j lowest tie blocks) and, among them, the
    /// cheap model's right answers and the strong model's right answers.
    public let escalated: [Int]
    public let cheapRightEscalated: [Int]
    public let strongRightEscalated: [Int]
    /// Per point: mean cost per query (nil without costs).
    public let cost: [Double]?
    public let cheapRightTotal: Int
    public let strongRightTotal: Int
    public let cheapMeanCost: Double?
    public let strongMeanCost: Double?
    /// Twice the Mann–Whitney U of the cheap model's right against wrong answers (ties count ½).
    let twiceU: Int

    public init(_ x: CascadeSample) throws {
        self.init(x, order: try Ordering.ascending(x.confidence))
    }

    /// The curve of `x` given its queries in ascending confidence (`order`, ties in any order).
    init(_ x: CascadeSample, order: [Int]) {
        n = x.n
        let s = x.confidence
        var levels: [Double] = []
        var escalated = [0]
        var cheapRight = [0]
        var strongRight = [0]
        levels.reserveCapacity(n)
        escalated.reserveCapacity(n + 1)
        cheapRight.reserveCapacity(n + 1)
        strongRight.reserveCapacity(n + 1)
        var costs: [Double]? = x.hasCosts ? [] : nil
        costs?.reserveCapacity(n + 1)
        // Values and outcomes in sorted order, so the block scan reads memory sequentially.
        let sorted = order.map { s[$0] }
        let rightS = order.map { x.cheapRight[$0] }
        let rightL = order.map { x.strongRight[$0] }
        var cheapTotal = CompensatedSum()
        var strongTotal = CompensatedSum()
        var escalatedCost = CompensatedSum()
        if let cs = x.cheapCost, let cl = x.strongCost {
            for q in 0..<n {
                cheapTotal.add(cs[q])
                strongTotal.add(cl[q])
            }
        }
        let nd = Double(n)
        costs?.append(cheapTotal.value / nd)
        var twiceU = 0
        var wrongBelow = 0
        var start = 0
        while start < n {
            var end = start
            var right = 0
            var strong = 0
            let value = sorted[start]
            while end < n, sorted[end] == value {
                right += rightS[end] ? 1 : 0
                strong += rightL[end] ? 1 : 0
                if let cl = x.strongCost {
                    escalatedCost.add(cl[order[end]])
                }
                end += 1
            }
            let wrong = end - start - right
            twiceU += right * (2 * wrongBelow + wrong)
            wrongBelow += wrong
            levels.append(value)
            escalated.append(end)
            cheapRight.append(cheapRight[cheapRight.count - 1] + right)
            strongRight.append(strongRight[strongRight.count - 1] + strong)
            if costs != nil {
                var total = cheapTotal
                total.add(escalatedCost.value)
                costs!.append(total.value / nd)
            }
            start = end
        }
        self.levels = levels
        self.escalated = escalated
        self.cheapRightEscalated = cheapRight
        self.strongRightEscalated = strongRight
        self.cost = costs
        self.twiceU = twiceU
        cheapRightTotal = cheapRight.last!
        strongRightTotal = strongRight.last!
        cheapMeanCost = x.hasCosts ? cheapTotal.value / nd : nil
        strongMeanCost = x.hasCosts ? strongTotal.value / nd : nil
    }

    public var pointCount: Int { escalated.count }
    public var cheapAccuracy: Double { Double(cheapRightTotal) / Double(n) }
    public var strongAccuracy: Double { Double(strongRightTotal) / Double(n) }

    public func escalation(_ j: Int) -> Double { Double(escalated[j]) / Double(n) }

    /// A(τ_j) = (right answers of S outside E + right answers of L in E)/n.
    public func accuracy(_ j: Int) -> Double {
        Double(cheapRightTotal - cheapRightEscalated[j] + strongRightEscalated[j]) / Double(n)
    }

    /// Random mixing at the same escalation fraction, a_S + e·(a_L − a_S).
    public func randomAccuracy(_ j: Int) -> Double {
        cheapAccuracy + escalation(j) * (strongAccuracy - cheapAccuracy)
    }

    public func advantage(_ j: Int) -> Double { accuracy(j) - randomAccuracy(j) }

    /// Δ_cal = e·(ε − p_S) = (S's wrong answers in E)/n − e·p_S.
    public func calibration(_ j: Int) -> Double {
        Double(escalated[j] - cheapRightEscalated[j]) / Double(n) - escalation(j) * (1 - cheapAccuracy)
    }

    /// Δ_tail = e·(α − a_L) = (L's right answers in E)/n − e·a_L.
    public func tailEdgePart(_ j: Int) -> Double {
        Double(strongRightEscalated[j]) / Double(n) - escalation(j) * strongAccuracy
    }

    /// Threshold of point j (escalate s < τ): v_{j+1}, or nil (+∞, escalate all) at j = K.
    public func threshold(_ j: Int) -> Double? { j < levels.count ? levels[j] : nil }

    /// ε, α and the tail edge α − (1 − ε) at point j; undefined when nothing is escalated.
    public func tail(_ j: Int) -> (error: Quantity, strongAccuracy: Quantity, edge: Quantity) {
        guard escalated[j] > 0 else {
            let why = "nothing is escalated"
            return (.undefined(why), .undefined(why), .undefined(why))
        }
        let size = Double(escalated[j])
        let eps = Double(escalated[j] - cheapRightEscalated[j]) / size
        let alpha = Double(strongRightEscalated[j]) / size
        return (.defined(eps), .defined(alpha), .defined(alpha - (1 - eps)))
    }

    /// AUC = U/(n₁n₀) with ties counted half; undefined when S is always right or always wrong.
    public var auc: Quantity {
        let right = cheapRightTotal
        let wrong = n - right
        guard right > 0, wrong > 0 else {
            return .undefined(right == 0 ? "the cheap model is never right" : "the cheap model is always right")
        }
        return .defined(Double(twiceU) / (2 * Double(right) * Double(wrong)))
    }

    /// The trapezoid over the points in e (exact on the interpolated curve) of Δ_cal and Δ_tail;
    /// ∫Δ is their sum. One pass in integer counts: with E_j escalated, W_j of S's wrong and
    /// R_j of L's right answers among them, n·Δ_cal = W_j − E_j·p_S and n·Δ_tail = R_j − E_j·a_L.
    public var integrals: (advantage: Double, calibration: Double, tailEdge: Double) {
        let pS = 1 - cheapAccuracy
        let aL = strongAccuracy
        var cal = CompensatedSum()
        var tail = CompensatedSum()
        var previousCal = 0.0
        var previousTail = 0.0
        for j in 1..<pointCount {
            let e = Double(escalated[j])
            let c = Double(escalated[j] - cheapRightEscalated[j]) - e * pS
            let t = Double(strongRightEscalated[j]) - e * aL
            let width = Double(escalated[j] - escalated[j - 1])
            cal.add(width * (previousCal + c))
            tail.add(width * (previousTail + t))
            previousCal = c
            previousTail = t
        }
        let scale = 0.5 / (Double(n) * Double(n))
        let (ic, it) = (cal.value * scale, tail.value * scale)
        return (ic + it, ic, it)
    }

    public var integratedAdvantage: Double { integrals.advantage }
    public var integratedCalibration: Double { integrals.calibration }
    public var integratedTailEdge: Double { integrals.tailEdge }

    /// The largest Δ over the points (a vertex maximises a piecewise-linear function) and the
    /// escalation where it is first attained.
    public var maxAdvantage: (value: Double, escalation: Double) {
        // n·Δ_j = R_j − S_j − E_j·(a_L − a_S) with S_j, R_j the right answers of S and L in E_j.
        let gap = strongAccuracy - cheapAccuracy
        var best = 0
        var bestValue = 0.0
        for j in 1..<pointCount {
            let v = Double(strongRightEscalated[j] - cheapRightEscalated[j]) - Double(escalated[j]) * gap
            if v > bestValue {
                best = j
                bestValue = v
            }
        }
        return (advantage(best), escalation(best))
    }

    public func costPerCorrect(_ j: Int) -> Quantity {
        guard let cost else {
            return .undefined(CascadeCurve.noCosts)
        }
        let a = accuracy(j)
        return a > 0 ? .defined(cost[j] / a) : .undefined("accuracy is 0")
    }

    static let noCosts = "no cost column in the input"
}

/// Counts of the pair that do not depend on the confidences.
public struct CascadePair: Sendable {
    public let cheapWrong: Int
    public let strongRightOnCheapWrong: Int
    public let eitherRight: Int

    public init(_ x: CascadeSample) {
        var wrong = 0
        var strong = 0
        var either = 0
        for q in 0..<x.n {
            if !x.cheapRight[q] {
                wrong += 1
                strong += x.strongRight[q] ? 1 : 0
            }
            either += x.cheapRight[q] || x.strongRight[q] ? 1 : 0
        }
        cheapWrong = wrong
        strongRightOnCheapWrong = strong
        eitherRight = either
    }
}

/// The quality-floor quantities of METHODS §13.6.
public struct CascadeFloor: Sendable {
    public let floor: Double
    public let escalationAtFloor: Quantity
    public let costAtFloor: Quantity
    public let randomEscalationAtFloor: Quantity
    public let escalationRatio: Quantity
    public let escalationRatioCalibrated: Quantity
    public let escalationRatioPerfect: Quantity
    public let strongAccuracyOnCheapErrors: Quantity
    public let pairOracleAccuracy: Double
    public let costPerCorrectAtFloor: Quantity
    public let strongCostPerCorrect: Quantity
    public let cheapCostPerCorrect: Quantity
    public let dominatesStrong: Bool?
    public let dominatesStrongReason: String?
    public let dominanceBandHi: Quantity
    public let tailEdgeAtFloor: Quantity

    public init(_ c: CascadeCurve, pair: CascadePair, floor a: Double) {
        floor = a
        let aS = c.cheapAccuracy
        let aL = c.strongAccuracy
        // First crossing of the floor on the interpolated curve.
        var first: Int?
        for j in 0..<c.pointCount where c.accuracy(j) >= a {
            first = j
            break
        }
        if let j = first {
            if j == 0 {
                escalationAtFloor = .defined(0)
                costAtFloor = c.cost.map { .defined($0[0]) } ?? .undefined(CascadeCurve.noCosts)
            } else {
                let (a0, a1) = (c.accuracy(j - 1), c.accuracy(j))
                let t = (a - a0) / (a1 - a0)
                escalationAtFloor = .defined(c.escalation(j - 1) + t * (c.escalation(j) - c.escalation(j - 1)))
                costAtFloor =
                    c.cost.map { .defined($0[j - 1] + t * ($0[j] - $0[j - 1])) } ?? .undefined(CascadeCurve.noCosts)
            }
            tailEdgeAtFloor = c.tail(j).edge
        } else {
            let why = "the cascade never reaches the floor"
            escalationAtFloor = .undefined(why)
            costAtFloor = .undefined(why)
            tailEdgeAtFloor = .undefined(why)
        }
        if a <= aS {
            randomEscalationAtFloor = .defined(0)
        } else if aL <= aS || a > aL {
            randomEscalationAtFloor = .undefined("random mixing cannot reach the floor")
        } else {
            randomEscalationAtFloor = .defined((a - aS) / (aL - aS))
        }
        switch (escalationAtFloor.value, randomEscalationAtFloor.value) {
        case (_, 0?): escalationRatio = .undefined("the cheap model alone meets the floor")
        case (_, nil): escalationRatio = .undefined("random mixing cannot reach the floor")
        case (nil, _): escalationRatio = .undefined("the cascade never reaches the floor")
        case (let ec?, let er?): escalationRatio = .defined(ec / er)
        }
        escalationRatioCalibrated =
            aL > aS ? .defined(1 - aS / aL) : .undefined("the strong model is not more accurate than the cheap one")
        pairOracleAccuracy = Double(pair.eitherRight) / Double(c.n)
        if pair.cheapWrong == 0 {
            strongAccuracyOnCheapErrors = .undefined("the cheap model is never wrong")
        } else {
            strongAccuracyOnCheapErrors = .defined(Double(pair.strongRightOnCheapWrong) / Double(pair.cheapWrong))
        }
        if let alphaW = strongAccuracyOnCheapErrors.value, alphaW > 0, aL > aS {
            escalationRatioPerfect = .defined((aL - aS) / alphaW)
        } else {
            escalationRatioPerfect = .undefined(
                aL > aS
                    ? "the strong model is never right on the cheap model's errors"
                    : "the strong model is not more accurate than the cheap one")
        }
        guard let cost = c.cost, let cL = c.strongMeanCost, let cS = c.cheapMeanCost else {
            let why = CascadeCurve.noCosts
            costPerCorrectAtFloor = .undefined(why)
            strongCostPerCorrect = .undefined(why)
            cheapCostPerCorrect = .undefined(why)
            dominatesStrong = nil
            dominatesStrongReason = why
            dominanceBandHi = .undefined(why)
            return
        }
        strongCostPerCorrect = aL > 0 ? .defined(cL / aL) : .undefined("the strong model is never right")
        cheapCostPerCorrect = aS > 0 ? .defined(cS / aS) : .undefined("the cheap model is never right")
        // Dollars per correct over every feasible operating point: deterministic points at or
        // above the floor and every interpolated crossing of it.
        var best: Double?
        func consider(_ r: Double) {
            if best == nil || r < best! {
                best = r
            }
        }
        for j in 0..<c.pointCount {
            let aj = c.accuracy(j)
            if aj >= a && aj > 0 {
                consider(cost[j] / aj)
            }
            if j > 0 {
                let a0 = c.accuracy(j - 1)
                if (a0 - a) * (aj - a) < 0 && a > 0 {
                    let t = (a - a0) / (aj - a0)
                    consider((cost[j - 1] + t * (cost[j] - cost[j - 1])) / a)
                }
            }
        }
        costPerCorrectAtFloor = best.map { .defined($0) } ?? .undefined("the cascade never reaches the floor")
        if let b = best, let d = strongCostPerCorrect.value {
            dominatesStrong = b < d
            dominatesStrongReason = nil
        } else {
            dominatesStrong = nil
            dominatesStrongReason =
                best == nil ? "the cascade never reaches the floor" : "the strong model is never right"
        }
        var band: Double?
        if let d = strongCostPerCorrect.value {
            for j in 0..<c.pointCount {
                let aj = c.accuracy(j)
                if aj > aS && cost[j] / aj < d && (band == nil || aj > band!) {
                    band = aj
                }
            }
        }
        dominanceBandHi =
            band.map { .defined($0) }
            ?? .undefined("no operating point above the cheap model's accuracy beats the strong model's $ per correct")
    }
}
