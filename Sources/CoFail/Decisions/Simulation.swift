import Foundation

/// One row of an underpricing curve (METHODS §8): the single-factor model fitted to a pool's
/// marginals and pairwise co-error, against the law's true all-wrong rate.
public struct CurvePoint: Sendable {
    public internal(set) var m: Int
    public internal(set) var p: Double
    public internal(set) var coError: Double
    public internal(set) var rho: Double
    public internal(set) var betaM: Double
    public internal(set) var betaSFM: Double
    /// β_m / β_SF,m (from logs, so tiny values keep full precision).
    public internal(set) var ratio: Double
}

/// The theory side of cofail: laws with known truth (METHODS §8, Props. 2–3).
public enum Synthetic {
    /// Checks (p, c) describe a pairwise law: 0 < p < 1 and max(0, 2p − 1) <= c <= p.
    public static func validate(p: Double, c: Double) throws {
        guard p > 0, p < 1 else { throw CoFailError.invalid("error", p, "lie in (0, 1)") }
        guard c <= p else {
            throw CoFailError.invalid(
                "co_error", c,
                "not exceed the error rate p = \(p) (two models cannot both err more often than one does)")
        }
        guard c >= max(0, 2 * p - 1) else {
            throw CoFailError.invalid(
                "co_error", c, "be at least the Fréchet lower bound max(0, 2p − 1) = \(max(0, 2 * p - 1))")
        }
    }

    /// Tetrachoric ρ of an exchangeable pair: Φ₂(τ, τ; ρ) = c.
    public static func tetrachoric(p: Double, c: Double) throws -> Double {
        let tau = Normal.quantile(p)
        return try BivariateNormal.solveR(tau, tau, probability: c)
    }

    /// Common-shock curve: p = π + (1−π)q, c = π + (1−π)q², β_m = π + (1−π)q^m.
    public static func shockCurve(pi: Double, q: Double, maxModels: Int) throws -> [CurvePoint] {
        guard (0...1).contains(pi) else { throw CoFailError.invalid("pi", pi, "lie in [0, 1]") }
        guard (0...1).contains(q) else { throw CoFailError.invalid("q", q, "lie in [0, 1]") }
        let p = pi + (1 - pi) * q
        let c = pi + (1 - pi) * q * q
        return try curve(p: p, c: c, maxModels: maxModels) { m in log(pi + (1 - pi) * pow(q, Double(m))) }
    }

    /// Clayton curve with the same marginals: θ from C(p, p; θ) = c, β_m = (m p^−θ − m + 1)^(−1/θ).
    public static func claytonCurve(
        p: Double, c: Double, maxModels: Int
    ) throws -> (theta: Double, points: [CurvePoint]) {
        try validate(p: p, c: c)
        guard case .theta(let theta) = try ClaytonKernel.calibrate([p, p], meanCoError: c) else {
            throw CoFailError.invalid(
                "co_error", c, "lie in (p², p) = (\(p * p), \(p)): only there does a Clayton θ > 0 give it")
        }
        let points = try curve(p: p, c: c, maxModels: maxModels) { m in
            try ClaytonKernel.logJoint(Array(repeating: p, count: m), theta: theta)
        }
        return (theta, points)
    }

    static func curve(p: Double, c: Double, maxModels: Int, logBeta: (Int) throws -> Double) throws -> [CurvePoint] {
        guard maxModels >= 2 else { throw CoFailError.invalid("max_models", maxModels, "be at least 2") }
        try validate(p: p, c: c)
        let rho = try tetrachoric(p: p, c: c)
        guard rho >= 0 else {
            throw CoFailError.invalid(
                "co_error", c, "be at least independence's p² = \(p * p) (the single-factor model needs ρ ≥ 0)")
        }
        return try (2...maxModels).map { m in
            let lsf = try SingleFactor.logBeta(Array(repeating: p, count: m), rho: rho)
            let lb = try logBeta(m)
            return CurvePoint(m: m, p: p, coError: c, rho: rho, betaM: exp(lb), betaSFM: exp(lsf), ratio: exp(lb - lsf))
        }
    }
}

/// Fréchet bounds of β for exchangeable pools (METHODS §8, Prop. 3), with the single-factor
/// and common-shock values that share the same (m, p, c) placed inside.
public struct FrechetBounds: Sendable {
    public internal(set) var m: Int
    public internal(set) var p: Double
    public internal(set) var coError: Double
    public internal(set) var betaMin: Double
    public internal(set) var betaMax: Double
    public internal(set) var rho: Quantity
    public internal(set) var betaSF: Quantity
    public internal(set) var shockPi: Quantity
    public internal(set) var shockQ: Quantity
    public internal(set) var betaShock: Quantity

    public init(models m: Int, error p: Double, coError c: Double) throws {
        guard m >= 2 else { throw CoFailError.invalid("models", m, "be at least 2") }
        self.m = m
        self.p = p
        coError = c
        if p == 0 || p == 1, c == p {
            // a pool that is never (always) wrong: every law has β = p
            betaMin = p
            betaMax = p
            let why =
                p == 0
                ? "the pool is never wrong (p = 0): no threshold exists"
                : "the pool is always wrong (p = 1): no threshold exists"
            rho = .undefined(why)
            betaSF = .defined(p)
            shockPi = .undefined(why)
            shockQ = .undefined(why)
            betaShock = .defined(p)
            return
        }
        try Synthetic.validate(p: p, c: c)
        guard let (lo, hi) = try LPKernel.frechetBounds(models: m, error: p, coError: c) else {
            throw CoFailError.invalid(
                "co_error", c,
                "be at least (m p² − p)/(m − 1) = \((Double(m) * p * p - p) / Double(m - 1)) for "
                    + "\(m) models of error \(p) (below it the count of wrong models would need negative variance)"
            )
        }
        betaMin = lo
        betaMax = hi
        let r = try Synthetic.tetrachoric(p: p, c: c)
        rho = .defined(r)
        betaSF =
            r >= 0
            ? .defined(exp(try SingleFactor.logBeta(Array(repeating: p, count: m), rho: r)))
            : .undefined("co-error below independence: ρ = \(Report.fmt(r)) < 0 has no single-factor form")
        // shock: (c − π)(1 − π) = (p − π)²  ⇒  π = (c − p²)/(1 − 2p + c)
        if c >= p * p {
            let pi = (c - p * p) / (1 - 2 * p + c)
            let q = (p - pi) / (1 - pi)
            shockPi = .defined(pi)
            shockQ = .defined(q)
            betaShock = .defined(pi + (1 - pi) * pow(q, Double(m)))
        } else {
            let why = "co-error below independence: no common-shock law has it"
            shockPi = .undefined(why)
            shockQ = .undefined(why)
            betaShock = .undefined(why)
        }
    }

    /// From a matrix: the pool's mean error and mean pairwise co-error (the exchangeable
    /// symmetrisation of its law has exactly these, and the same β).
    public init(_ x: OutcomeMatrix) throws {
        guard x.m >= 2 else { throw CoFailError.invalid("models", x.m, "be at least two (bounds compare pairs)") }
        let g = try x.gram()
        var pSum = 0.0
        var cSum = 0.0
        for i in 0..<x.m {
            pSum += Double(g[i * x.m + i]) / Double(x.n)
            for j in (i + 1)..<x.m where j < x.m { cSum += Double(g[i * x.m + j]) / Double(x.n) }
        }
        try self.init(models: x.m, error: pSum / Double(x.m), coError: cSum / Double(x.m * (x.m - 1) / 2))
    }
}
