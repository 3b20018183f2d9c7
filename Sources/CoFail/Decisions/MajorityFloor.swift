import Foundation

/// The majority floor of a symmetric single-factor probit ensemble (METHODS §11.7, Prop. 5) and
/// the break-even ensemble size of mean-vote fusion (METHODS §14.1, Props. 6–7).
public struct MajorityFloor: Sendable {
    /// Pool sizes of the curve when none are asked for.
    public static let defaultSizes = [1, 3, 5, 7, 9, 11, 15, 21, 31, 51, 101, 201, 501, 1001, 10001]
    /// Relative error of E_m.
    public static let relTol = 1e-10

    public struct Point: Sendable {
        public internal(set) var m: Int
        /// E_m: the binary majority vote's error.
        public internal(set) var majorityError: Double
        /// 1 − P_m: the mean-vote (continuous fusion) error.
        public internal(set) var meanVoteError: Double
    }

    public internal(set) var error: Double
    public internal(set) var rho: Double
    /// E_∞ = Φ(Φ⁻¹(p)/√ρ), with its limits at ρ = 0 and ρ = 1.
    public internal(set) var floor: Double
    public internal(set) var curve: [Point]

    /// - Throws: `CoFailError.invalidParameter` for p or ρ outside [0, 1], a size below 1.
    public init(error p: Double, rho: Double, sizes: [Int] = MajorityFloor.defaultSizes) throws {
        guard p >= 0, p <= 1 else {
            throw CoFailError.invalid("error", p, "lie in [0, 1]")
        }
        guard rho >= 0, rho <= 1 else {
            throw CoFailError.invalid("rho", rho, "lie in [0, 1]")
        }
        if let bad = sizes.first(where: { $0 < 1 }) {
            throw CoFailError.invalid("sizes", bad, "be at least 1")
        }
        error = p
        self.rho = rho
        floor = MajorityFloor.floor(error: p, rho: rho)
        curve = try sizes.map { m in
            Point(
                m: m,
                majorityError: try VoteKernel.majorityError(
                    error: p, rho: rho, members: m,
                    relTol: MajorityFloor.relTol),
                meanVoteError: 1 - MajorityFloor.meanVoteAccuracy(error: p, rho: rho, members: Double(m)))
        }
    }

    /// The single-factor majority error of a pool of members with error rates `p` (Poisson-binomial).
    public static func poolError(errors p: [Double], rho: Double) throws -> Double {
        try VoteKernel.majorityError(errors: p, rho: rho, relTol: relTol)
    }

    /// E_m(p, ρ) for one pool size.
    public static func poolError(error p: Double, rho: Double, members m: Int) throws -> Double {
        try VoteKernel.majorityError(error: p, rho: rho, members: m, relTol: relTol)
    }

    /// E_∞(p, ρ) = Φ(Φ⁻¹(p)/√ρ); ρ → 0 gives 0 for p < ½ and 1 for p > ½; p = ½ gives ½.
    public static func floor(error p: Double, rho: Double) -> Double {
        if p == 0.5 {
            return 0.5
        }
        if rho == 0 {
            return p < 0.5 ? 0 : 1
        }
        return Normal.cdf(Normal.quantile(p) / rho.squareRoot())
    }

    /// P_m = Φ(μ/σ_m), μ = −Φ⁻¹(p), σ_m² = ρ + (1 − ρ)/m (METHODS §14.1).
    public static func meanVoteAccuracy(error p: Double, rho: Double, members m: Double) -> Double {
        let sigma = (rho + (1 - rho) / m).squareRoot()
        return Normal.cdf(-Normal.quantile(p) / sigma)
    }

    /// κ(m) = μ φ(μ/σ_m) / (2σ_m³) (Prop. 7).
    public static func kappa(error p: Double, rho: Double, members m: Double) -> Double {
        let mu = -Normal.quantile(p)
        let sigma = (rho + (1 - rho) / m).squareRoot()
        let z = mu / sigma
        return mu * exp(-0.5 * z * z) / (2.0 * Double.pi).squareRoot() / (2 * sigma * sigma * sigma)
    }
}

/// The break-even ensemble size (METHODS §14.1): the last member whose accuracy increment still
/// pays its cost `costRatio` (cost per member per query / value of a correct answer).
public struct BreakEven: Sendable {
    public struct Point: Sendable {
        public internal(set) var m: Int
        public internal(set) var meanVoteAccuracy: Double
        public internal(set) var kappa: Double
        /// P_m − P_{m−1} (nil at m = 1).
        public internal(set) var increment: Double?
    }

    public internal(set) var error: Double
    public internal(set) var rho: Double
    public internal(set) var costRatio: Double
    public internal(set) var mu: Double
    public internal(set) var kappa1: Double
    public internal(set) var members: Quantity
    public internal(set) var membersLinear: Quantity
    public internal(set) var membersMajority: Quantity
    public internal(set) var kappaAtBreakEven: Quantity
    public internal(set) var curve: [Point]

    /// The largest pool size searched by binary majority (each step evaluates E_m exactly).
    public static let maxMajorityMembers = 100_000
    /// The largest mean-vote pool size searched: above 2⁵³ a member count is no longer exact in double.
    public static let maxMembers = 1 << 53

    /// P_m − P_{m−1} without cancellation: Φ(μ/σ_m) − Φ(μ/σ_{m−1}) as the integral of φ over
    /// [μ/σ_{m−1}, μ/σ_m], the interval's width written as μ(σ_{m−1} − σ_m)/(σ_m σ_{m−1}) with
    /// σ_{m−1} − σ_m = (1 − ρ)/(m(m − 1)(σ_{m−1} + σ_m)). Five-point Gauss–Legendre on φ over a
    /// width ≤ 0.05 is exact to ~1e-16 relative; wider intervals (small m) take the difference of
    /// Φ, or of the upper tails Φ(−x) where x > 0 (so that values near 1 do not cancel).
    /// Five-point Gauss–Legendre on [−1, 1]: the non-negative nodes and their weights.
    static let gaussLegendre5 = (
        nodes: [0.0, 0.538_469_310_105_683_1, 0.906_179_845_938_664_0],
        weights: [0.568_888_888_888_888_9, 0.478_628_670_499_366_5, 0.236_926_885_056_189_1]
    )

    public static func increment(error p: Double, rho: Double, members m: Int) -> Double {
        precondition(m >= 2)
        let mu = -Normal.quantile(p)
        let md = Double(m)
        let sm = (rho + (1 - rho) / md).squareRoot()
        let sp = (rho + (1 - rho) / (md - 1)).squareRoot()
        let a = mu / sp
        let width = mu * (1 - rho) / (md * (md - 1) * (sp + sm)) / (sm * sp)
        guard abs(width) <= 0.05 else {
            // on the positive side Φ is near 1: difference the upper tails instead
            return a > 0 ? Normal.cdf(-a) - Normal.cdf(-mu / sm) : Normal.cdf(mu / sm) - Normal.cdf(a)
        }
        let (nodes, weights) = BreakEven.gaussLegendre5
        let centre = a + width / 2
        func phi(_ x: Double) -> Double { exp(-0.5 * x * x) / (2 * Double.pi).squareRoot() }
        var sum = weights[0] * phi(centre)
        for j in 1..<3 {
            sum += weights[j] * (phi(centre - width / 2 * nodes[j]) + phi(centre + width / 2 * nodes[j]))
        }
        return sum * width / 2
    }

    public init(error p: Double, rho: Double, costRatio c: Double) throws {
        guard p > 0, p < 1 else {
            throw CoFailError.invalid("error", p, "lie in (0, 1)")
        }
        guard rho >= 0, rho <= 1 else {
            throw CoFailError.invalid("rho", rho, "lie in [0, 1]")
        }
        guard c > 0, c.isFinite else {
            throw CoFailError.invalid("cost_ratio", c, "be a positive number")
        }
        error = p
        self.rho = rho
        costRatio = c
        mu = -Normal.quantile(p)
        kappa1 = MajorityFloor.kappa(error: p, rho: rho, members: 1)
        func accuracy(_ m: Int) -> Double {
            MajorityFloor.meanVoteAccuracy(error: p, rho: rho, members: Double(m))
        }
        var pts: [Point] = []
        for m in [1, 2, 3, 4, 5, 7, 10, 15, 20, 30, 50, 100] {
            let a = accuracy(m)
            pts.append(
                Point(
                    m: m, meanVoteAccuracy: a, kappa: MajorityFloor.kappa(error: p, rho: rho, members: Double(m)),
                    increment: m == 1 ? nil : BreakEven.increment(error: p, rho: rho, members: m)))
        }
        curve = pts
        guard p < 0.5 else {
            let why = "p ≥ ½: κ ≤ 0, so adding members does not improve the mean vote"
            members = .undefined(why)
            membersLinear = .undefined(why)
            membersMajority = .undefined(why)
            kappaAtBreakEven = .undefined(why)
            return
        }
        // Increments decrease (P_m concave in m for p < ½): the last m with increment ≥ c̃, found by
        // doubling an upper bound and bisecting.
        func pays(_ m: Int) -> Bool { BreakEven.increment(error: p, rho: rho, members: m) >= c }
        var lo = 1
        var hi = 2
        while hi <= BreakEven.maxMembers, pays(hi) {
            lo = hi
            hi *= 2
        }
        if hi > BreakEven.maxMembers {
            let why = "the increment still exceeds the cost ratio at 2^53 members"
            members = .undefined(why)
            membersLinear = .undefined(why)
            kappaAtBreakEven = .undefined(why)
        } else {
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2
                if pays(mid) {
                    lo = mid
                } else {
                    hi = mid
                }
            }
            members = .defined(Double(lo))
            let kappaStar = MajorityFloor.kappa(error: p, rho: rho, members: Double(lo))
            kappaAtBreakEven = .defined(kappaStar)
            membersLinear = .defined((1 + (1 + 4 * kappaStar * (1 - rho) / c).squareRoot()) / 2)
        }
        // Binary majority, odd sizes added in pairs: the first odd m whose next pair pays less than
        // 2c̃ (pair increments decrease), by doubling and bisection over odd sizes. E_m is evaluated to
        // `relTol`, so a pair increment far below it cannot be resolved.
        guard 2 * c >= 100 * MajorityFloor.relTol else {
            membersMajority = .undefined(
                "2c̃ = \(2 * c) is below the resolution of E_m (evaluated to \(MajorityFloor.relTol) relative)")
            return
        }
        func majority(_ m: Int) throws -> Double {
            m == 1
                ? 1 - p
                : 1 - (try VoteKernel.majorityError(error: p, rho: rho, members: m, relTol: MajorityFloor.relTol))
        }
        func stops(_ m: Int) throws -> Bool { try majority(m + 2) - majority(m) < 2 * c }
        var below = -1
        var odd = 1
        while try !stops(odd) {
            below = odd
            odd = 2 * odd + 1
            guard odd <= BreakEven.maxMajorityMembers else {
                membersMajority = .undefined(
                    "a pair of members still pays at \(below) members (binary majority is searched up to "
                        + "\(BreakEven.maxMajorityMembers))")
                return
            }
        }
        while odd - below > 2 {
            let mid = below + 2 * ((odd - below) / 4)
            if try stops(mid) {
                odd = mid
            } else {
                below = mid
            }
        }
        membersMajority = .defined(Double(odd))
    }
}
